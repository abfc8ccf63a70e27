"""The highway tab: linked to the scenario, deterministic, and idle when paused or hidden."""

import math

import numpy as np
import pytest

from explorer.app.highway.view import DEMO_DELAY_MS, HighwayView
from explorer.app.store import AppStore
from explorer.core.state.scenario import default_scenario


def test_int4_weights_lower_the_demand_about_fourfold(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    hv.target.setChecked(True)  # a fixed request rate: demand = bytes per step × steps/s
    fp16 = hv.state.demand
    box = w.panels["precision"].controls["weights"]
    box.setCurrentIndex(box.findData("int4"))
    w.settle()
    ratio = fp16 / hv.state.demand
    assert 3.3 < ratio < 4.1  # weights shrink 4×, the FP16 KV cache does not
    assert hv.sim.demand_lanes == pytest.approx(hv.state.demand_lanes)
    assert str(f"{hv.state.rho:.2f}") in hv.state_label.text()


def test_same_seed_same_traffic(qtbot):
    store = AppStore(default_scenario())
    views = [HighwayView(store, seed=3), HighwayView(store, seed=3), HighwayView(store, seed=4)]
    for v in views:
        qtbot.addWidget(v)
        for _ in range(400):
            v.tick()
    a, b, c = (v.sim.cars() for v in views)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_timer_runs_only_when_visible_and_not_paused(qtbot, make_window):
    w = make_window()
    hv = w.highway
    assert not hv.timer.isActive()  # hidden behind the Overview tab
    w.tabs.setCurrentIndex(1)
    qtbot.waitUntil(hv.timer.isActive, timeout=1000)
    hv.pause_button.click()
    assert not hv.timer.isActive() and hv.paused
    hv.pause_button.click()
    assert hv.timer.isActive()
    w.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not hv.timer.isActive(), timeout=1000)


def test_demo_goes_from_near_capacity_to_overloaded(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    hv.demo_button.click()
    assert hv.state.state == "near capacity" and hv.state.mode == "open"
    assert hv.demo_timer.isActive() and hv.demo_timer.interval() == DEMO_DELAY_MS
    hv.demo_timer.stop()
    hv.demo_timer.timeout.emit()  # the pause, without waiting it out
    assert hv.state.state == "overloaded" and hv.state.rho >= 1 and hv.state.queue_growth > 0
    assert "overloaded" in hv.state_label.text() and "gridlock" not in hv.readout.text()
    assert "grows" in hv.readout.text()


def test_unified_memory_share_takes_lanes(qtbot, make_window):
    from explorer.core.specs import presets
    w = make_window(default_scenario().with_(hardware=presets.device("m2-ultra")))
    w.tabs.setCurrentIndex(1)  # a hidden tab only redraws when shown
    hv = w.highway
    assert hv.shared.isEnabled()
    hv.shared.setValue(25)
    assert hv.state.shared_lanes == 4 and hv.state.open_lanes == 12
    w.store.update(hardware=presets.device("rtx-4090"))
    w.settle()
    assert not hv.shared.isEnabled() and hv.state.open_lanes == 16


def two_sig(v: float) -> str:
    """Two significant figures, written by hand: 161.7 -> '160', 6855.7 -> '6,900', 6 -> '6.0'."""
    r = float(f"{v:.2g}")
    decimals = max(0, 1 - math.floor(math.log10(abs(r)))) if r else 0
    return f"{r:,.{decimals}f}"


def _overview_tokens_per_s(w) -> float:
    """The per-sequence tokens/s the Overview's readout tile shows ("54.7 (40.5–72.2) · 55": the
    number, its band, the whole batch)."""
    return float(w.readouts.values["tps"].text().split("·")[0].split("(")[0].replace(",", ""))


def test_highway_and_overview_show_the_same_tokens_per_s(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    shown = _overview_tokens_per_s(w)
    assert hv.state.mode == "closed" and hv.state.rho is None
    assert shown == float(two_sig(w.store.results.estimate.decode_tokens_per_s).replace(",", ""))
    assert f"{two_sig(shown)} tokens/s" in hv.readout.text()
    assert "ρ" not in hv.state_label.text()


def test_closing_lanes_in_the_closed_loop_slows_every_step(qtbot, make_window):
    w = make_window(default_scenario().with_(runtime="ideal"))  # roofline: no fixed cost per step
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    all_open = w.store.results.estimate.decode_tokens_per_s
    hv.closed.setValue(4)  # 12 of 16 lanes: a memory-bound step takes 16/12 as long
    assert hv.state.delivered_tokens_per_s == pytest.approx(all_open * 12 / 16, rel=2e-3)
    assert f"{two_sig(hv.state.delivered_tokens_per_s)} tokens/s" in hv.readout.text()
    assert "closed loop" in hv.state_label.text() and "gridlock" not in hv.readout.text()
    x, y = hv.diagram.flow_point.getData()
    assert (x[0], y[0]) == (12, pytest.approx(all_open * 12 / 16, rel=2e-3))
    xs, ys = hv.diagram.flow_curve.getData()
    assert list(xs) == list(range(1, 17)) and ys[-1] == pytest.approx(all_open, rel=2e-3)


def test_a_scenario_that_does_not_fit_does_not_animate(qtbot, make_window):
    from explorer.core.specs import presets
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b")))
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    assert not hv.timer.isActive() and hv.road.blocked
    assert "does not fit" in hv.state_label.text() and "if it fit" in hv.readout.text()
    w.store.update(model=presets.model("llama-2-7b"))
    w.settle()
    qtbot.waitUntil(hv.timer.isActive, timeout=1000)
    assert hv.road.blocked is None
