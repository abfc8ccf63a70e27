"""A/B compare driven like a user: Pin as A (Ctrl+P), edit B, every plot overlays A dashed,
the readouts show both and the ratio, the highway shows either; swap and clear."""

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.core.engine import series
from explorer.core.engine.estimate import estimate
from explorer.core.state.scenario import default_scenario


def pick(w, role, key):
    box = w.panels["precision"].controls[role]
    box.setCurrentIndex(box.findData(key))
    w.settle()


def test_pin_then_edit_b_overlays_a_everywhere(qtbot, make_window):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.tabs, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Compare › Pin as A
    w.settle()
    a = w.store.pinned
    assert a == default_scenario()
    pick(w, "weights", "int4")
    b = w.store.scenario
    assert b.weights == "int4" and w.store.pinned is a  # editing B never changes A

    # Overlays equal core's figures for A, computed here independently of the store.
    mem = series.memory_traffic(a)
    x, y = w.plots["memory"].pinned_curve("weights").getOriginalDataset()
    np.testing.assert_allclose(x, mem.t)
    np.testing.assert_allclose(y, mem.weights / 2**30)  # the memory plot reads GiB
    roof = series.roofline(a)
    x, y = w.plots["roofline"].pinned_curve("decode").getOriginalDataset()
    assert (x[0], y[0]) == pytest.approx(roof.decode_point)
    growth = series.compute_growth(a, series.length_grid(a))
    x, y = w.plots["compute"].pinned_curve("flops_linear").getOriginalDataset()
    np.testing.assert_allclose(y, growth["curves"]["flops_linear"][np.isfinite(growth["curves"]["flops_linear"])])
    bars = w.plots["compare"].pinned_heights
    want = {r.device_id: r.decode_tokens_per_s for r in series.compare_devices(a)}
    shown = [r.device_id for r in w.plots["compare"].results]
    assert bars == pytest.approx([want[d] if want[d] else 0.0 for d in shown])
    assert all(p.pinned_curve(k) is None or p.pinned_curve(k).opts["pen"].style() != Qt.PenStyle.SolidLine
               for p in w.plots.values() for k in ("weights", "decode", "flops_linear"))

    # Readouts: both values and the ratio B ÷ A.
    ea, eb = estimate(a), estimate(b)
    line = w.readouts.pinned_lines["tps"]
    def two_sig(v):  # hand-rounded, two significant figures
        r = float(f"{v:.2g}")
        return f"{r:,.{max(0, 1 - math.floor(math.log10(abs(r))))}f}"
    assert line.isVisible() and line.text().startswith(f"A {two_sig(ea.decode_tokens_per_s)} · {two_sig(ea.total_tokens_per_s)}")
    assert f"B = {eb.total_tokens_per_s / ea.total_tokens_per_s:.2g}×" in line.text()
    sentence = w.readouts.sentence.text()
    assert sentence.startswith("INT4 vs FP16: ")
    assert f"{eb.memory_needed_per_device / ea.memory_needed_per_device:.2g}× memory" in sentence

    # More edits of B: A's overlay does not move.
    w.store.update(batch=16)
    w.settle()
    x2, y2 = w.plots["memory"].pinned_curve("weights").getOriginalDataset()
    np.testing.assert_allclose(y2, mem.weights / 2**30)
    assert w.store.pinned is a


def test_swap_and_clear(qtbot, make_window):
    w = make_window()
    w.pin_action.trigger()
    pick(w, "weights", "int4")
    a, b = w.store.pinned, w.store.scenario
    w.swap_action.trigger()
    w.settle()
    assert (w.store.scenario, w.store.pinned) == (a, b)
    assert w.panels["precision"].controls["weights"].currentData() == "fp16"  # editing A now
    assert w.store.undo_text() == "Swap A and B"
    w.clear_pin_action.trigger()
    w.settle()
    assert w.store.pinned is None
    assert not w.plots["memory"].pinned_curve("weights").isVisible()
    assert not w.readouts.pinned_lines["ttft"].isVisible()
    assert not w.swap_action.isEnabled()


def test_highway_toggles_between_a_and_b(qtbot, make_window):
    w = make_window()
    w.pin_action.trigger()
    pick(w, "weights", "int4")
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    w.settle()
    b_step = hv.state.point.step_s
    hv.panel.show_side.setCurrentIndex(hv.panel.show_side.findData("pinned"))
    w.settle()
    assert w.store.view.highway.show == "pinned"
    a_step = hv.state.point.step_s
    assert 2.0 < a_step / b_step < 4.1  # FP16 weights move ~4× the bytes of INT4 (plus fixed step costs)
    assert "A (pinned)" in hv.state_label.text()
