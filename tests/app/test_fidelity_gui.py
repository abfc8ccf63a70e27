"""Runtime selector, bands on readouts, formula inspector, measured-vs-modelled tab, 'this machine'
— driven like a user."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from explorer.app.main_window import TAB_KEYS
from explorer.core.specs import presets


def settle(qtbot, w):
    w.settle()
    qtbot.wait(1)


def pick(combo, data):
    combo.setCurrentIndex(combo.findData(data))


def test_runtime_selector_is_a_one_click_ab(qtbot, make_window):
    w = make_window()
    hw = w.panels["hardware"]
    assert hw.runtime.currentText() == "Default: llama.cpp (CUDA)"
    before = w.store.results.estimate.decode_tokens_per_s
    pick(hw.runtime, "vllm")
    settle(qtbot, w)
    assert w.store.scenario.runtime == "vllm"
    after = w.store.results.estimate.decode_tokens_per_s
    assert after != pytest.approx(before, rel=0.01)
    assert f"{after:,.1f}" in w.readouts.values["tps"].text()
    pick(hw.runtime, "llama-cpp-metal")  # does not run on an RTX 4090: refused, the combo goes back
    settle(qtbot, w)
    assert w.store.scenario.runtime == "vllm" and hw.runtime.currentData() == "vllm"


def test_readouts_show_bands(qtbot, make_window):
    w = make_window()
    settle(qtbot, w)
    e = w.store.results.estimate
    rt = presets.runtime(e.runtime)
    lo, hi = e.decode_tokens_per_s * rt.band["floor"], e.decode_tokens_per_s * rt.band["ceiling"]
    assert f"({lo:,.3g}–{hi:,.3g})" in w.readouts.values["tps"].text()
    assert "80 %" in w.readouts.values["tps"].toolTip()
    assert "–" in w.readouts.values["ttft"].text()


def test_clicking_a_readout_opens_the_formula_inspector_that_follows_edits(qtbot, make_window):
    w = make_window()
    settle(qtbot, w)
    qtbot.mouseClick(w.readouts.values["tpot"], Qt.MouseButton.LeftButton)
    insp = w.readouts.inspector
    assert insp is not None and insp.isVisible()
    text = insp.body.text.toPlainText()
    assert text.startswith("Decode speed:") and "formula: time per token" in text
    assert "runtime profile llama.cpp (CUDA)" in text
    w.store.update(batch=8)
    settle(qtbot, w)
    assert insp.body.text.toPlainText() != text
    qtbot.mouseClick(w.readouts.values["fit"], Qt.MouseButton.LeftButton)
    assert insp.body.text.toPlainText().startswith("Memory per device:")
    insp.close()


def _points(view):
    return sum(len(item.points()) for item in view.scatters.values())


def test_measured_vs_modelled_tab(qtbot, make_window, tmp_path):
    w = make_window()
    w.tabs.setCurrentIndex(TAB_KEYS.index("validation"))  # the tab clicked
    settle(qtbot, w)
    v = w.validation
    assert w.store.view.tab == "validation"
    assert _points(v) == 292
    assert v.plot.getAxis("bottom").logMode and v.plot.getAxis("left").logMode  # ticks read as 10^k
    x, y = v.guides["y=x"].getOriginalDataset()  # drawn at log10 of the values
    np.testing.assert_allclose(x, y)
    _, up = v.guides["+25%"].getOriginalDataset()
    np.testing.assert_allclose(10 ** up, 1.25 * 10 ** x)
    rows = [r for r in v.rows if r.runtime == "tensorrt-llm"]
    xs, ys = v.scatters["tensorrt-llm"].getData()
    np.testing.assert_allclose(sorted(10 ** xs), sorted(r.measured for r in rows))
    np.testing.assert_allclose(sorted(10 ** ys), sorted(r.predicted for r in rows))
    assert set(v.scatters) == {"llama-cpp-cuda", "llama-cpp-cuda-2023", "llama-cpp-metal", "tensorrt-llm"}
    pick(v.group, "hardware")
    assert len(v.scatters) > 20
    spot = v.scatters["rtx-4090"].points()[0]
    tip = v.scatters["rtx-4090"].opts["tip"](spot.pos().x(), spot.pos().y(), spot.data())
    assert "source: https://github.com/ggml-org/llama.cpp" in tip and "measured" in tip

    mine = tmp_path / "mine.csv"
    mine.write_text("model,hardware,runtime,weights,kv,devices,parallel,batch,prompt,generate,metric,value\n"
                    "llama-3-8b,rtx-4090,llama.cpp,q4_0,fp16,1,,1,0,128,decode_tokens_per_s,120\n"
                    "llama-3-8b,h100-sxm,vllm,fp16,fp16,1,,64,512,256,output_tokens_per_s,3000\n"
                    "nope,h100-sxm,vllm,fp16,fp16,1,,64,512,256,output_tokens_per_s,3000\n", encoding="utf-8")
    with qtbot.waitSignal(v.loaded, timeout=30000) as done:
        assert v.load_file(str(mine))
    assert done.args == [True]
    assert _points(v) == 2 and "mine.csv: 2 of 3 rows predicted" in v.summary.text()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with qtbot.waitSignal(v.loaded, timeout=30000) as done:
        v.load_file(str(bad))
    assert done.args == [False]
    assert "Not loaded: bad.csv" in v.summary.text() and _points(v) == 2
    v.show_published()
    assert _points(v) == 292


def test_measure_this_machine_off_the_gui_thread(qtbot, make_window):
    w = make_window()
    box = w.panels["hardware"].measure
    box.measure_kwargs = {"array_mib": 32, "reps": 2, "matmul_seconds": 0.05}
    assert not box.use_button.isVisible() and "Not measured" in box.note.text()
    qtbot.mouseClick(box.measure_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.running, timeout=60_000)
    assert w.store.scenario.hardware.id == "rtx-4090" and "cancelled" in box.note.text()
    seen = []
    box.bar.valueChanged.connect(seen.append)
    qtbot.mouseClick(box.measure_button, Qt.MouseButton.LeftButton)
    assert box.running and box.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not box.running, timeout=60_000)
    settle(qtbot, w)
    hw = w.store.scenario.hardware
    assert hw.id == "this-machine" and hw.bandwidth_gbs > 0 and hw.category == "cpu"
    assert seen and seen == sorted(seen) and seen[-1] == 100
    assert box.use_button.isVisible() and "Saved: This machine" in box.note.text()
    assert w.store.results.estimate.runtime == "ideal"


def test_batch_max_button_fills_memory_or_the_runtime_limit(qtbot, make_window):
    from explorer.core.engine.estimate import estimate
    w = make_window()
    w.store.update(model=presets.model("llama-3.2-1b"), prompt=128, generate=128, runtime="vllm")
    settle(qtbot, w)
    qtbot.mouseClick(w.panels["workload"].batch_max, Qt.MouseButton.LeftButton)
    settle(qtbot, w)
    s = w.store.scenario
    # Llama 3.2 1B FP16 on an RTX 4090 (24 GiB): 256-token contexts cost 256 × 32 KiB = 8 MiB each,
    # so memory would take ~2,300 sequences; vLLM schedules at most max_num_seqs = 256.
    assert s.batch == presets.runtime("vllm").max_batch == 256
    assert w.panels["workload"].batch.value() == 256
    w.store.update(model=presets.model("llama-2-7b"), runtime=None, prompt=2048, generate=2048)  # memory limits
    settle(qtbot, w)
    qtbot.mouseClick(w.panels["workload"].batch_max, Qt.MouseButton.LeftButton)
    settle(qtbot, w)
    s = w.store.scenario
    assert estimate(s).fits and not estimate(s.with_(batch=s.batch + 1)).fits


def test_load_csv_runs_off_the_gui_thread(qtbot, make_window, tmp_path, monkeypatch):
    """While the file is being validated the GUI thread is free: the call returns at once, the
    window says it is loading, events are processed; the rows appear when the worker is done."""
    import threading

    from explorer.app import validation_view

    w = make_window()
    w.tabs.setCurrentWidget(w._validation_page)
    settle(qtbot, w)
    v = w.validation
    gate, threads = threading.Event(), []
    real = validation_view.validate_text

    def slow(text):
        threads.append(threading.current_thread())
        assert gate.wait(30)  # holds the worker until the test has seen the GUI running
        return real(text)

    monkeypatch.setattr(validation_view, "validate_text", slow)
    mine = tmp_path / "mine.csv"
    mine.write_text("model,hardware,weights,kv,devices,parallel,batch,prompt,generate,metric,value\n"
                    "llama-3-8b,rtx-4090,fp16,fp16,1,,1,128,128,decode_tokens_per_s,50\n", encoding="utf-8")
    assert v.load_file(str(mine))
    ticks = []
    qtbot.waitUntil(lambda: bool(threads), timeout=10000)
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.wait(200)  # the worker is blocked, yet the GUI thread runs its timers
    timer.stop()
    assert ticks and threads[0] is not threading.main_thread()
    assert v.summary.text().startswith("Loading mine.csv") and not v.load_button.isEnabled()
    assert not v.load_file(str(mine))  # one load at a time
    with qtbot.waitSignal(v.loaded, timeout=30000) as done:
        gate.set()
    assert done.args == [True] and _points(v) == 1 and v.load_button.isEnabled()
