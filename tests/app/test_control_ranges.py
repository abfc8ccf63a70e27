"""Every control's range is its field's range in core: walk every number box and slider of every
panel, find the field it edits, and compare its range with the core constant that validates that
field (ModelSpec's SHAPE_MAX / COUNT_MAX, HardwareSpec's FIGURE_RANGES / OPTIONAL_RANGES /
TFLOPS_RANGE, the scenario's LIMITS), read here directly from those modules.

Then the issue's two cases, as a user meets them: a 2,000-layer model typed into Layers, and a
slow CPU measured at 0.04 TFLOPS (This machine), shown in its FP32 box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox

from explorer.core.specs import hardware as hw
from explorer.core.specs import model as md
from explorer.core.specs.hardware import HardwareSpec
from explorer.core.state import scenario as sc


def _core_range(path: str) -> tuple[float, float, str]:
    """(low, high, what the position below low means) from the validating constants themselves."""
    kind, name = path.split(".", 1)
    if kind == "model":
        if name in md.SHAPE_MAX:
            return 1, md.SHAPE_MAX[name], "-"
        if name in md.COUNT_MAX:
            return 0, md.COUNT_MAX[name], "-"
        return 0.0, 1.0, "-"  # sliding_fraction: number(..., 0.0, 1.0) in ModelSpec.problems
    if kind == "hardware":
        if name.startswith("tflops."):
            return (*hw.TFLOPS_RANGE, "not set")
        if name in hw.OPTIONAL_RANGES:
            return (0, hw.OPTIONAL_RANGES[name][1], "-")  # 0 = not given, then lo…hi
        return (*hw.FIGURE_RANGES[name], "-")
    lo, hi = sc.LIMITS[name]
    return lo, hi, "not set" if name in sc.OPTIONAL_FIELDS else "-"


def test_every_panel_control_has_the_range_core_accepts(make_window):
    w = make_window()
    checked = []
    for key in w.panels:
        panel = w.panels[key]
        for box in panel.findChildren(QAbstractSpinBox):
            path = box.property("field")
            assert path, f"{type(panel).__name__}: a number box ({box.toolTip()[:50]!r}) is not bound to a field"
            lo, hi, below = _core_range(path)
            assert box.maximum() == pytest.approx(hi), path
            if below == "not set":  # one position below the range stands for None, shown as words
                assert box.minimum() < lo and box.specialValueText(), path
                assert box.minimum() + box.singleStep() == pytest.approx(lo), path
            else:
                assert box.minimum() == pytest.approx(lo), path
            if isinstance(box, QDoubleSpinBox) and lo > 0:  # the low end can be shown and typed
                assert round(lo, box.decimals()) == pytest.approx(lo), path
            checked.append(path)
    # every editable model, hardware and scenario number is among them
    assert {f"model.{n}" for n in ("layers", "d_model", "heads", "kv_heads", "head_dim", "ffn", "vocab",
                                   "max_context", "experts", "window", "sliding_fraction")} <= set(checked)
    assert {f"hardware.{n}" for n in hw.FIGURE_RANGES if n != "price_per_hour_usd"} <= set(checked)
    assert {f"hardware.tflops.{k}" for k in ("fp32", "fp16", "bf16", "fp8", "int8", "int4")} <= set(checked)
    assert {f"scenario.{n}" for n in sc.LIMITS} <= set(checked)


def test_a_2000_layer_model_shows_2000(make_window, qtbot):
    w = make_window()
    box = w.panels["model"].boxes["layers"]
    box.selectAll()
    qtbot.keyClicks(box, "2000")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    w.store.flush()
    assert w.store.scenario.model.layers == 2000
    assert box.value() == 2000 and box.text().replace(",", "") == "2000"  # not clamped to 1,000


def test_a_0_04_tflops_device_shows_its_figure_not_not_listed(make_window, qtbot):
    """A slow CPU as This machine measures one: 0.04 TFLOPS FP32, 20 GB/s."""
    w = make_window()
    cpu = HardwareSpec(id="this-machine", name="This machine", memory_gib=16.0, bandwidth_gbs=20.0,
                       tflops={"fp32": 0.04}, tdp_w=35.0, category="cpu")
    w.store.update(hardware=cpu)
    w.store.flush()
    w.show_panel("hardware")
    fp32 = w.panels["hardware"].tflops_boxes["fp32"]
    assert fp32.text() == "0.04 TFLOPS"
    # and typed: 0.025 TFLOPS applies as typed
    fp32.selectAll()
    qtbot.keyClicks(fp32, "0.025")
    qtbot.keyClick(fp32, Qt.Key.Key_Return)
    w.store.flush()
    assert w.store.scenario.hardware.tflops["fp32"] == pytest.approx(0.025)
    assert fp32.text() == "0.025 TFLOPS"
