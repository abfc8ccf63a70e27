"""The Serving tab driven as a user drives it: drag the load slider (live curves, one undo
entry), click Simulate (off the GUI thread, progress, dots at the load), Cancel; A/B overlays.
Plot data are checked against the serving core called independently here, and against figures
derived by hand (Little's law, the knee's admission limit)."""

import numpy as np
import pytest
from by_hand import two_sig
from PySide6.QtCore import Qt

from explorer.core import serving
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

SERVER = dict(model=presets.model("llama-2-7b"), hardware=presets.device("h100-sxm"), weights="fp16", kv="fp16",
              compute="fp16", prompt=1000, generate=200, batch=1)


@pytest.fixture
def serving_window(make_window):
    def build(**more):
        w = make_window(default_scenario().with_(**SERVER, **more))
        w.store.set_view(tab="serving")
        w.settle()
        return w
    return build


def _drag(qtbot, slider, to: int) -> None:
    """Press, move in steps, release — what a mouse drag does to a QSlider's signals."""
    slider.sliderPressed.emit()
    slider.setSliderDown(True)
    for pos in np.linspace(slider.value(), to, 8).astype(int):
        slider.setValue(int(pos))
    slider.setSliderDown(False)
    slider.sliderReleased.emit()


def test_dragging_the_load_moves_the_point_along_curves_from_the_core(qtbot, serving_window):
    w = serving_window()
    sv = w.serving
    bar = sv.load
    _drag(qtbot, bar.slider, bar.position(64))
    w.settle()
    s = w.store.scenario
    assert s.load_kind == "concurrency" and 55 <= s.load <= 72
    assert w.store.undo_stack.count() == 1 and "oad" in w.store.undo_stack.text(0)  # one entry for the drag
    # The curves are the core's over its load points, computed here independently.
    loads = serving.default_loads(s, 64)
    c = serving.curve(s, loads)
    lat = sv.cards["latency"]
    x, y = lat.curve("ttft_p99").getOriginalDataset()
    assert np.allclose(x, loads[np.isfinite(c.ttft_p99)]) and np.allclose(y, c.ttft_p99[np.isfinite(c.ttft_p99)])
    x, y = sv.cards["throughput"].curve("requests").getOriginalDataset()
    assert np.allclose(y, c.requests_per_s)
    # Little's law in the closed loop by hand: N clients = throughput × E2E
    p = serving.steady(s)
    assert p.requests_per_s * p.e2e_s == pytest.approx(s.load, rel=1e-3)
    assert f"{two_sig(p.output_tokens_per_s)} tokens/s" in sv.summary.text()
    x, y = sv.cards["batch"].curve("running").getOriginalDataset()
    assert np.allclose(y, c.mean_running)
    # the knee line sits at the core's knee; the batch is capped at the admission capacity
    k = serving.knee(s)
    assert lat.knee_line.isVisible() and 10 ** lat.knee_line.value() == pytest.approx(k.load)
    assert c.mean_running.max() <= c.capacity_requests + 1e-6
    w.store.undo()
    w.settle()
    assert w.store.scenario.load == 1.0 and bar.slider.value() == bar.position(1.0)


def test_arrow_keys_move_the_load_a_client_or_ten_percent_at_a_time(qtbot, serving_window):
    w = serving_window()
    bar = w.serving.load
    assert w.store.scenario.load == 1.0 and bar.value.text() == "1 client"
    bar.slider.setFocus()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Right)
    w.settle()
    assert w.store.scenario.load == 2.0 and bar.value.text() == "2 clients"  # not 1/1000 of the log scale
    for _ in range(8):
        qtbot.keyClick(bar.slider, Qt.Key.Key_Right)
    w.settle()
    assert w.store.scenario.load == 10.0  # 2 → 3 → … → 10, one client a press
    qtbot.keyClick(bar.slider, Qt.Key.Key_Right)
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    w.settle()
    assert w.store.scenario.load == 10.0  # 10 → 11 → 10
    for _ in range(12):
        qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    w.settle()
    assert w.store.scenario.load == 1.0 and bar.value.text() == "1 client"  # never below one client


def test_latency_target_lines_follow_the_workload_panel(qtbot, serving_window):
    w = serving_window()
    box = w.panels["workload"].controls["slo_ttft_ms"]
    box.setValue(500.0)
    w.settle()
    lat = w.serving.cards["latency"]
    assert 10 ** lat.ttft_target.value() == pytest.approx(0.5)
    assert "500 ms" in lat.ttft_target.label.format


def test_simulate_runs_off_the_gui_thread_and_lands_dots_at_its_load(qtbot, serving_window):
    w = serving_window(load=32.0)
    sv = w.serving
    sv.requests.setValue(600)
    seen = []
    sv.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(sv.simulate, Qt.MouseButton.LeftButton)
    assert sv.running() and not sv.simulate.isEnabled() and sv.cancel.isEnabled()
    qtbot.waitUntil(lambda: not sv.running(), timeout=60_000)
    assert sv.progress.value() == 100 and seen and seen[0] < 100
    x, y = sv.cards["latency"].curve("sim_ttft_p50").getOriginalDataset()
    ref = serving.simulate(w.store.scenario, 600, 0)  # same seed, same numbers
    assert list(x) == [32.0] and y[0] == pytest.approx(ref.summary.ttft_p50)
    x, y = sv.cards["throughput"].curve("sim_requests").getOriginalDataset()
    assert y[0] == pytest.approx(ref.summary.requests_per_s)
    assert sv.simulate.isEnabled() and not sv.cancel.isEnabled()


def test_cancel_stops_the_simulation_and_keeps_the_app_running(qtbot, serving_window):
    w = serving_window(load=200.0)
    sv = w.serving
    sv.requests.setValue(100_000)
    qtbot.mouseClick(sv.simulate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sv.progress.value() > 0, timeout=60_000)  # partial results have streamed in
    assert sv.cards["latency"].curve("sim_ttft_p50").getOriginalDataset()[0].size == 1
    qtbot.mouseClick(sv.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not sv.running(), timeout=60_000)
    assert sv.progress.format() != "failed", w.statusBar().currentMessage()
    assert sv.last_result is not None and sv.last_result.cancelled
    assert sv.progress.format() == "cancelled" and sv.sim_points == []
    assert sv.simulate.isEnabled()


def test_cancel_pressed_at_once_before_any_request_completes(qtbot, serving_window):
    # Simulate then Cancel straight away, as a user double-clicking would: the run stops before its
    # first completion; the worker must report a cancelled run with no requests, not fail.
    w = serving_window(load=200.0)
    sv = w.serving
    sv.requests.setValue(100_000)
    failures = []
    qtbot.mouseClick(sv.simulate, Qt.MouseButton.LeftButton)
    sv.worker.failed.connect(failures.append)
    qtbot.mouseClick(sv.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not sv.running(), timeout=60_000)
    assert failures == [] and sv.progress.format() == "cancelled", w.statusBar().currentMessage()
    assert sv.last_result is not None and sv.last_result.cancelled and sv.last_result.completed < 100_000
    xs = sv.cards["latency"].curve("sim_ttft_p50").getOriginalDataset()[0]
    assert sv.sim_points == [] and (xs is None or xs.size == 0)  # no dot from a run that completed nothing
    assert sv.simulate.isEnabled() and not sv.cancel.isEnabled()


def test_rate_load_and_ab_overlay(qtbot, serving_window):
    w = serving_window()
    w.pin_action.trigger()
    w.store.update(weights="int8") if "int8" in presets.formats() else w.store.update(weights="q8_0")
    w.settle()
    thr = w.serving.cards["throughput"]
    twin = thr.pinned_curve("requests")
    assert twin is not None and twin.isVisible()
    a = serving.curve(w.store.pinned, serving.default_loads(w.store.pinned, 64))
    assert np.allclose(twin.getOriginalDataset()[1], a.requests_per_s)
    w.store.update(load_kind="rate", load=5.0)
    w.settle()
    assert "requests/s" in w.serving.load.value.text()
    assert twin.getOriginalDataset()[0].size == 0  # A stays on clients: nothing to draw on a rate axis
    assert w.serving.cards["latency"].plot.getPlotItem().getAxis("bottom").labelText == "arrival rate"


def test_arrow_keys_work_from_a_load_past_the_slider_span(qtbot, serving_window):
    """A load typed in the Workload panel can lie past the slider's span: a key still moves it by the
    rule (5,000 → 4,545 → 4,132 clients), not not at all."""
    w = serving_window(load=5000.0)
    bar = w.serving.load
    assert bar.slider.value() == bar.slider.maximum()
    bar.slider.setFocus()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    w.settle()
    assert w.store.scenario.load == 4545.0  # round(5,000 ÷ 1.1)
    qtbot.keyClick(bar.slider, Qt.Key.Key_Left)
    w.settle()
    assert w.store.scenario.load == 4132.0


def test_page_keys_and_the_wheel_move_the_load_visibly(qtbot, serving_window):
    """PageUp: five of the rule's steps (1 → 2 → 3 → 4 → 5 → 6 clients); a wheel notch on the
    focused slider: one (6 → 7); PageDown back five (7 → 6 → 5 → 4 → 3 → 2)."""
    from test_stage_keys import wheel

    w = serving_window()
    bar = w.serving.load
    bar.slider.setFocus()
    qtbot.waitUntil(bar.slider.hasFocus)
    qtbot.keyClick(bar.slider, Qt.Key.Key_PageUp)
    w.settle()
    assert w.store.scenario.load == 6.0
    wheel(bar.slider, 1)
    w.settle()
    assert w.store.scenario.load == 7.0
    qtbot.keyClick(bar.slider, Qt.Key.Key_PageDown)
    w.settle()
    assert w.store.scenario.load == 2.0
