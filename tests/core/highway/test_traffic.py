"""The highway on the serving model: lanes are bandwidth, cars are requests, the on-ramp is the
admission queue. Expectations are derived here (by hand or from the serving model's own public
figures for an explicitly built scenario), never read back from the highway."""

import math
from dataclasses import replace

import numpy as np
import pytest

from explorer.core import serving
from explorer.core.highway import traffic
from explorer.core.highway.cars import RequestRoad
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario


@pytest.fixture(scope="module")
def server():
    return default_scenario().with_(model=presets.model("llama-2-7b"), hardware=presets.device("h100-sxm"),
                                    weights="fp16", kv="fp16", compute="fp16", prompt=1000, generate=200, batch=1)


def test_road_with_k_of_n_lanes_is_the_device_with_k_nths_of_its_bandwidth(server):
    road = traffic.road_scenario(server, 16, 12)
    assert road.hardware.bandwidth_gbs == pytest.approx(3350 * 12 / 16)  # H100 SXM: 3.35 TB/s
    assert traffic.road_scenario(server, 16, 16) is server


def test_highway_figures_are_serving_steady_of_the_open_road(server):
    s = server.with_(load_kind="rate", load=8.0)
    road = traffic.highway(s, 16, 3)
    by_hand = s.with_(hardware=replace(s.hardware, bandwidth_gbs=3350 * 13 / 16))
    assert road.point == serving.steady(by_hand)
    assert traffic.highway(s, 16, 0).point == serving.steady(s)


def test_below_the_knee_more_arrivals_grow_the_batch_and_throughput(server):
    roads = [traffic.highway(server.with_(load_kind="rate", load=lam), 16, 0) for lam in (1.0, 4.0, 8.0, 12.0)]
    batch = [r.point.mean_running for r in roads]
    thr = [r.point.requests_per_s for r in roads]
    assert all(np.diff(batch) > 0) and all(np.diff(thr) > 0)
    assert thr == pytest.approx([1.0, 4.0, 8.0, 12.0], rel=1e-6)  # open loop below capacity: all served


def test_one_more_lane_past_capacity_explodes_ttft_but_not_tpot(server):
    c = traffic.cliff(server, 16)
    assert c.closed == 4 and c.rho_before < 1 < c.rho_after
    s = server.with_(load_kind="rate", load=c.rate)
    before, after = traffic.highway(s, 16, 4), traffic.highway(s, 16, 5)
    assert before.state in ("heavy", "near capacity") and after.state == traffic.OVERLOADED
    assert math.isfinite(before.point.ttft_p99) and math.isinf(after.point.ttft_p99)
    assert after.queue_growth == pytest.approx(c.rate - after.capacity)
    assert math.isfinite(after.point.tpot_s) and after.point.tpot_s < 1.5 * before.point.tpot_s


def test_lane_factor_is_n_over_n_minus_one():
    assert [traffic.lane_factor(n) for n in (2, 4, 12)] == pytest.approx([2.0, 4 / 3, 12 / 11])
    assert math.isinf(traffic.lane_factor(1))


def test_capacity_falls_with_lanes_for_a_memory_bound_step(server):
    caps = [traffic.saturation_rate(traffic.road_scenario(server, 16, k)) for k in (16, 12, 8)]
    assert caps[0] > caps[1] > caps[2]
    # memory-bound: capacity at most proportional to the open lanes (fixed costs do not scale)
    assert caps[2] / caps[0] >= 8 / 16 - 1e-9


def test_closed_loop_waits_on_the_ramp_but_never_diverges(server):
    road = traffic.highway(server.with_(load=400.0), 16, 0)
    assert road.closed_loop and road.state == traffic.RAMP_QUEUE
    assert road.point.queue_length == pytest.approx(400 - road.batch_capacity, abs=1.0)  # the rest wait
    assert math.isfinite(road.point.ttft_p99)


def test_unified_memory_share_takes_lanes_and_a_closed_road_runs_nothing():
    m2 = default_scenario().with_(hardware=presets.device("m2-ultra"))
    assert traffic.shared_lanes(m2, 16, 0.25) == 4
    assert traffic.shared_lanes(default_scenario(), 16, 0.25) == 0  # a discrete GPU shares nothing
    road = traffic.highway(m2, 16, 16)
    assert road.point is None and road.state == traffic.ROAD_CLOSED


def test_cars_queue_on_the_ramp_past_capacity_and_flow_below():
    def run(rate):
        road = RequestRoad(4, seed=1)
        road.configure(4, crossing_s=2.0, batch_capacity=10, rate=rate)
        for _ in range(2000):
            road.step(0.01)
        return road
    below, above = run(3.0), run(8.0)  # capacity = 10 cars ÷ 2 s = 5 requests/s
    assert below.queue < 2 and below.running == pytest.approx(6, abs=2)  # Little: 3/s × 2 s
    assert above.running == 10 and above.queue == pytest.approx((8 - 5) * 20, rel=0.1)  # grows 3/s for 20 s
    a, b = RequestRoad(4, seed=3), RequestRoad(4, seed=3)
    for r in (a, b):
        r.configure(4, 1.0, 10, rate=4.0)
        for _ in range(300):
            r.step(0.01)
    assert np.array_equal(a.lane, b.lane) and np.array_equal(a.x, b.x)


def test_a_still_of_the_road_is_its_steady_state():
    """snapshot: the mean batch as cars spread evenly along the road (in steady state a request's
    progress is uniform over its time on the road: one car in each 1/n of it), in open lanes
    only; below capacity the model's queue, past it the queue a minute after arrivals outgrew the
    road; and a still that then runs is the animation's own steady state (Little: λ × time)."""
    road = RequestRoad(16, seed=2)
    road.configure(12, crossing_s=2.0, batch_capacity=98, rate=11.0)
    road.snapshot(running=80.2, queue=0.16)
    assert road.running == 80 and road.queue == 0
    bins = np.floor(road.x * 80).astype(int)
    assert sorted(bins.tolist()) == list(range(80))  # one car in each eightieth of the road
    assert road.lane.max() < 12  # the closed lanes stay empty
    road.snapshot(running=120.0, queue=float("inf"), queue_growth=0.4)
    assert road.running == 98 and road.queue == 24  # at most the batch the KV cache admits; 0.4/s × 60 s
    calm = RequestRoad(4, seed=1)
    calm.configure(4, crossing_s=2.0, batch_capacity=10, rate=3.0)
    calm.snapshot(running=6.0, queue=0.0)  # Little: 3/s × 2 s
    for _ in range(400):
        calm.step(0.01)
    assert calm.running == pytest.approx(6, abs=2) and calm.queue < 2
