"""The highway tab on the serving model: its figures are the Serving view's, its controls edit
ViewState.highway through the store, it is deterministic and idle when paused or hidden."""

import math
from dataclasses import replace


import numpy as np
import pytest
from by_hand import two_sig

from explorer.app.highway.view import DEMO_DELAY_MS, HighwayView
from explorer.app.store import AppStore
from explorer.core import serving
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

SERVER = dict(model=presets.model("llama-2-7b"), hardware=presets.device("h100-sxm"), weights="fp16", kv="fp16",
              compute="fp16", prompt=1000, generate=200, batch=1)


def server(**more):
    return default_scenario().with_(**SERVER, **more)


def test_highway_figures_equal_the_serving_views_for_the_same_scenario(qtbot, make_window):
    w = make_window(server(load_kind="rate", load=9.0))
    w.store.set_view(tab="highway")
    hv = w.highway
    hv.panel.closed.setValue(3)  # the user closes 3 of 16 lanes
    w.settle()
    road = hv.state
    assert w.store.view.highway.closed == 3 and road.open_lanes == 13
    # The Serving view of the same scenario on 13/16 of the bandwidth, as a user would set it up.
    s = w.store.scenario
    w.store.update(hardware=replace(s.hardware, bandwidth_gbs=s.hardware.bandwidth_gbs * 13 / 16))
    w.store.set_view(tab="serving")
    w.settle()
    shown = w.serving.cards["latency"]
    x, y = shown.curve("ttft_p99").getOriginalDataset()
    p = serving.steady(w.store.scenario)
    assert road.point == p  # every figure: TTFT, TPOT, ITL, throughput, batch, queue, KV
    assert f"{two_sig(p.output_tokens_per_s)} tokens/s" in hv.readout.text()
    assert f"{two_sig(p.output_tokens_per_s)} tokens/s" in w.serving.summary.text()
    assert float(np.interp(9.0, x, y)) == pytest.approx(p.ttft_p99, rel=0.05)  # the curve passes the point


def test_panel_edits_the_store_and_closed_follows_the_road_down(qtbot, make_window):
    w = make_window(server())
    w.store.set_view(tab="highway")
    panel = w.highway.panel
    panel.closed.setValue(6)
    assert w.store.view.highway.closed == 6
    panel.lanes.setValue(4)  # fewer lanes than are closed: all of them close
    assert (w.store.view.highway.lanes, w.store.view.highway.closed) == (4, 4)
    w.settle()
    assert w.highway.state.point is None and "road closed" in w.highway.state_label.text()
    assert panel.closed.maximum() == 4


def test_same_seed_same_traffic(qtbot):
    store = AppStore(server(load_kind="rate", load=8.0))
    views = [HighwayView(store, seed=3), HighwayView(store, seed=3), HighwayView(store, seed=4)]
    for v in views:
        qtbot.addWidget(v)
        for _ in range(400):
            v.tick()
    a, b, c = (v.cars for v in views)
    assert a.running > 0 and np.array_equal(a.lane, b.lane) and np.array_equal(a.x, b.x)
    assert not np.array_equal(a.lane, c.lane)


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


def test_demo_goes_from_near_capacity_to_overloaded_ttft_explodes_tpot_bounded(qtbot, make_window):
    w = make_window(server())
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    hv.demo_button.click()
    before = hv.state
    assert w.store.scenario.load_kind == "rate" and before.rho < 1 and before.state in ("heavy", "near capacity")
    assert hv.demo_timer.isActive() and hv.demo_timer.interval() == DEMO_DELAY_MS
    hv.demo_timer.stop()
    hv.demo_timer.timeout.emit()  # the pause, without waiting it out
    after = hv.state
    assert after.state == "overloaded" and after.rho >= 1 and after.queue_growth > 0
    assert math.isinf(after.point.ttft_p99) and after.point.tpot_s < 1.5 * before.point.tpot_s
    assert "overloaded" in hv.state_label.text() and "without bound" in hv.readout.text()
    # the cars: past capacity the on-ramp fills while the road keeps moving
    hv.cars.queue = 0.0
    for _ in range(4000):
        hv.tick()
    assert hv.cars.queue > 2 and hv.cars.left > 0


def test_unified_memory_share_takes_lanes(qtbot, make_window):
    w = make_window(default_scenario().with_(hardware=presets.device("m2-ultra")))
    w.tabs.setCurrentIndex(1)  # a hidden tab only redraws when shown
    hv = w.highway
    assert hv.panel.shared.isEnabled()
    hv.panel.shared.setValue(25)
    w.settle()
    assert hv.state.shared_lanes == 4 and hv.state.open_lanes == 12
    w.store.update(hardware=presets.device("rtx-4090"))
    w.settle()
    assert not hv.panel.shared.isEnabled() and hv.state.open_lanes == 16


def test_a_scenario_that_does_not_fit_does_not_animate(qtbot, make_window):
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b")))
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    assert not hv.timer.isActive() and hv.road.blocked
    assert "does not fit" in hv.state_label.text() and "if it fit" in hv.readout.text()
    w.store.update(model=presets.model("llama-2-7b"))
    w.settle()
    qtbot.waitUntil(hv.timer.isActive, timeout=1000)
    assert hv.road.blocked is None
