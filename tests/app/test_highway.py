"""The highway tab: linked to the scenario, deterministic, and idle when paused or hidden."""

import numpy as np
import pytest

from explorer.app.highway.view import DEMO_DELAY_MS, HighwayView
from explorer.app.store import AppStore
from explorer.core import traffic
from explorer.core.scenario import default_scenario


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


def test_demo_goes_from_near_capacity_to_gridlock(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    hv.demo_button.click()
    assert hv.state.state == "near capacity"
    qtbot.waitUntil(lambda: hv.state.state == "gridlock", timeout=DEMO_DELAY_MS + 2000)
    assert hv.state.rho >= 1 and hv.state.queue_growth > 0


def test_unified_memory_share_takes_lanes(qtbot, make_window):
    from explorer.core import presets
    w = make_window(default_scenario().with_(hardware=presets.device("m2-ultra")))
    w.tabs.setCurrentIndex(1)  # a hidden tab only redraws when shown
    hv = w.highway
    assert hv.shared.isEnabled()
    hv.shared.setValue(25)
    assert hv.state.shared_lanes == 4 and hv.state.open_lanes == 12
    w.store.update(hardware=presets.device("rtx-4090"))
    w.settle()
    assert not hv.shared.isEnabled() and hv.state.open_lanes == 16


def test_readouts_agree_with_core(qtbot, make_window):
    w = make_window()
    hv = w.highway
    hv.closed.setValue(3)
    want = traffic.highway_state(w.store.scenario, lanes=16, closed=3)
    assert hv.state == want
