"""The highway view's model: lanes, ρ, M/D/1 delay, the cliff demo and the NaSch simulation."""

import math

import numpy as np
import pytest

from explorer.core.engine.estimate import estimate, mean_decode
from explorer.core.engine.resolved import resolve
from explorer.core.highway import traffic
from explorer.core.highway.sim import SATURATION_FLOW, HighwaySim
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

LANES = 16


# -- queueing and states --------------------------------------------------------------------
def test_md1_multiplier_values():
    m = traffic.latency_multiplier([0.0, 0.5, 0.9, 1.0, 1.5, math.inf])
    assert m[0] == 1.0
    assert m[1] == pytest.approx(1.5)  # 1 + 0.5 / (2 · 0.5)
    assert m[2] == pytest.approx(5.5)
    assert np.all(np.isinf(m[3:]))


def test_md1_grows_sharply_toward_capacity():
    rho = np.linspace(0.0, 0.999, 500)
    m = traffic.latency_multiplier(rho)
    assert np.all(np.diff(m) > 0)
    assert m[-1] > 400


def test_latency_curve_stops_where_it_leaves_the_plot_never_flat():
    rho, m = traffic.latency_curve()
    assert np.all(np.isfinite(m)) and np.all(np.diff(m) > 0)
    assert rho[-1] < 1.0 and m[-1] == pytest.approx(traffic.PLOT_CEILING)
    # hand: 1 + ρ/(2(1−ρ)) = 20 → ρ = 38/39
    assert rho[-1] == pytest.approx(38 / 39)
    demand = np.linspace(0, 3e12, 301)
    d = traffic.delivered(demand, 1e12)
    assert np.array_equal(d, np.minimum(demand, 1e12))
    q = traffic.queue_growth(demand, 1e12)
    assert np.all(q[demand <= 1e12] == 0) and np.all(q[demand > 1e12] > 0)


@pytest.mark.parametrize("rho, text", [(0.0, "free flow"), (0.69, "free flow"), (0.7, "heavy"),
                                       (0.89, "heavy"), (0.9, "near capacity"), (0.999, "near capacity"),
                                       (1.0, "overloaded"), (2.0, "overloaded"), (math.inf, "overloaded")])
def test_state_thresholds(rho, text):
    assert traffic.state_text(rho) == text


# -- closed loop: as fast as the hardware allows ----------------------------------------------
def test_closed_loop_has_no_rho_and_matches_the_overview():
    s = default_scenario()
    st = traffic.highway_state(s)
    e = estimate(s)
    assert st.mode == "closed" and st.rho is None and st.queue_growth == 0
    assert st.state == "closed loop" and st.latency_multiplier == 1.0
    assert st.delivered_tokens_per_s == pytest.approx(e.total_tokens_per_s)
    assert st.lane_capacity * LANES == pytest.approx(s.hardware.bandwidth_bytes_per_s)


IDEAL = default_scenario().with_(runtime="ideal")  # roofline only: no fixed cost per step


@pytest.mark.parametrize("closed", [1, 4, 8, 15])
def test_closed_loop_closing_k_of_n_lanes_scales_a_memory_bound_step_by_n_over_n_minus_k(closed):
    s = IDEAL  # Llama-2-7B FP16, batch 1: memory-bound at every step
    e = estimate(s)
    assert e.bound == "memory"
    st = traffic.highway_state(s, closed=closed)
    factor = LANES / (LANES - closed)
    assert st.step_time == pytest.approx(e.tpot_s * factor, rel=1e-9)
    assert st.delivered_tokens_per_s == pytest.approx(e.total_tokens_per_s / factor, rel=1e-9)
    assert st.slowdown == pytest.approx(factor) and st.rho is None
    assert "gridlock" not in st.state and st.state == "closed loop"


def test_closed_loop_on_a_real_runtime_scales_only_the_memory_time():
    # llama.cpp adds a fixed cost per pass: T_k = T_0 + M·(n/(n−k) − 1), M the memory time.
    s = default_scenario()
    r = resolve(s)
    t = np.arange(s.prompt, s.prompt + s.generate)
    from explorer.core.engine.estimate import decode_step_parts
    memory_time = float(np.mean(decode_step_parts(r, t)["memory_time"]))
    e = estimate(s)
    st = traffic.highway_state(s, closed=4)
    assert st.step_time == pytest.approx(e.tpot_s + memory_time * (16 / 12 - 1), rel=1e-6)
    assert 1 < st.slowdown < 16 / 12


def test_closed_loop_compute_floor_caps_the_slowdown():
    s = default_scenario().with_(batch=512, prompt=128, generate=16)
    r = resolve(s)
    flops = float(mean_decode(r, s.prompt, s.generate)["flops"])
    floor = flops / (r.peak_flops * r.eta_compute)  # hand: the compute time of one step
    e = estimate(s)
    st = traffic.highway_state(s, closed=2)
    assert st.step_time >= floor * (1 - 1e-9)
    assert st.step_time <= e.tpot_s * LANES / (LANES - 2) * (1 + 1e-9)


def test_lane_sweep_is_the_closed_loop_at_each_lane_count():
    s = default_scenario()
    sw = traffic.lane_sweep(s, 8)
    assert list(sw.open_lanes) == list(range(1, 9))
    for k in (1, 5, 8):
        st = traffic.highway_state(s, lanes=8, closed=8 - k)
        assert sw.step_time[k - 1] == pytest.approx(st.step_time)
        assert sw.tokens_per_s[k - 1] == pytest.approx(st.delivered_tokens_per_s)


def test_closed_road_runs_nothing():
    shut = traffic.highway_state(default_scenario(), closed=99)
    assert shut.open_lanes == 0 and shut.delivered_tokens_per_s == 0 and shut.state == "road closed"
    assert math.isinf(shut.step_time)


# -- open loop: users × target rate -----------------------------------------------------------
def test_user_target_mode_definition():
    s = default_scenario().with_(batch=4)
    st = traffic.highway_state(s, target_tokens_per_s=20, users=8)
    bytes_per_step = float(mean_decode(resolve(s), s.prompt, s.generate)["bytes"])
    assert st.mode == "open"
    assert st.steps_per_s == pytest.approx(8 * 20 / 4)
    assert st.demand == pytest.approx(bytes_per_step * 40)
    assert st.delivered_tokens_per_s == pytest.approx(160)  # well below capacity: all served
    assert st.capacity == pytest.approx(bytes_per_step / estimate(s).tpot_s)  # the step the Overview shows


def test_int4_weights_cut_demand_about_fourfold():
    s = default_scenario()
    fp16 = traffic.highway_state(s, target_tokens_per_s=20, users=10)
    int4 = traffic.highway_state(s.with_(weights="int4"), target_tokens_per_s=20, users=10)
    assert 3.3 < fp16.demand / int4.demand < 4.1  # the FP16 KV cache does not shrink


def test_open_loop_overloaded_road_still_delivers_its_capacity():
    s = IDEAL
    full_speed = 1.0 / estimate(s).tpot_s  # tokens/s of the fully open road
    st = traffic.highway_state(s, closed=5, target_tokens_per_s=0.9 * full_speed)
    assert st.open_lanes == 11 and st.rho == pytest.approx(0.9 * 16 / 11)
    assert st.state == "overloaded" and math.isinf(st.latency_multiplier)
    assert st.delivered == pytest.approx(st.capacity)
    assert st.delivered_tokens_per_s == pytest.approx(full_speed * 11 / 16)
    assert st.queue_growth == pytest.approx(st.demand - st.capacity) and st.queue_growth > 0


def test_exactly_at_capacity_is_overloaded_with_zero_growth():
    s = IDEAL
    target = traffic.tokens_per_s_for_demand(s, 0.5)
    st = traffic.highway_state(s, closed=8, target_tokens_per_s=target)
    assert st.rho == pytest.approx(1.0)
    at_one = traffic.highway_state(s, closed=8, target_tokens_per_s=target * (1 + 1e-12))
    assert at_one.state == "overloaded" and math.isinf(at_one.latency_multiplier)
    assert traffic.queue_growth(1.0, 1.0) == 0 and traffic.state_text(1.0) == "overloaded"


def test_shared_memory_takes_lanes_only_on_unified_devices():
    mac = default_scenario().with_(hardware=presets.device("m1"))
    assert mac.hardware.unified_memory
    st = traffic.highway_state(mac, closed=1, shared_fraction=0.2)  # 0.2 · 16 = 3.2 → 3
    assert st.shared_lanes == 3 and st.open_lanes == 12
    assert traffic.highway_state(mac, shared_fraction=0.5 / 16).shared_lanes == 1  # half rounds up
    gpu = traffic.highway_state(default_scenario(), shared_fraction=0.2)
    assert gpu.shared_lanes == 0 and gpu.open_lanes == 16
    with pytest.raises(ValueError):
        traffic.highway_state(mac, shared_fraction=1.5)


# -- the seed's point -----------------------------------------------------------------------
@pytest.mark.parametrize("lanes", [6, 7, 8, 16, 32, 64])
def test_cliff_demo_one_more_closure_overloads(lanes):
    c = traffic.cliff_demo(lanes)
    assert c.closed >= (1 if lanes > 6 else 0)
    assert c.state_before == "near capacity" and c.state_after == "overloaded"
    s = IDEAL
    target = traffic.tokens_per_s_for_demand(s, c.demand_fraction)
    before = traffic.highway_state(s, lanes=lanes, closed=c.closed, target_tokens_per_s=target)
    after = traffic.highway_state(s, lanes=lanes, closed=c.closed + 1, target_tokens_per_s=target)
    assert before.rho == pytest.approx(c.rho_before) and before.state == "near capacity"
    assert after.rho == pytest.approx(c.rho_after) and after.state == "overloaded"
    assert traffic.last_safe_closure(before) == c.closed


@pytest.mark.parametrize("model", ["llama-2-7b", "gpt-2-124m", "llama-3-8b"])
def test_cliff_target_on_the_default_runtime_goes_near_capacity_then_overloaded(model):
    s = default_scenario().with_(model=presets.model(model))
    c = traffic.cliff_demo(16)
    target = traffic.cliff_target(s, c)
    before = traffic.highway_state(s, closed=c.closed, target_tokens_per_s=target)
    after = traffic.highway_state(s, closed=c.closed + 1, target_tokens_per_s=target)
    assert before.state == "near capacity" and after.state == "overloaded"


def test_cliff_demo_sixteen_lanes():
    c = traffic.cliff_demo(16)
    assert (c.closed, c.demand_fraction) == (4, 11.5 / 16)
    assert c.rho_before == pytest.approx(0.9583, abs=1e-4) and c.rho_after == pytest.approx(1.0455, abs=1e-4)


def test_last_safe_closure_from_current_settings():
    s = IDEAL
    target = 0.74 / estimate(s).tpot_s  # demand = 0.74 · 16 = 11.84 lanes' worth
    st = traffic.highway_state(s, target_tokens_per_s=target)
    k = traffic.last_safe_closure(st)
    assert k == 4  # hand: 12 open lanes carry 11.84, 11 do not
    assert traffic.highway_state(s, closed=k, target_tokens_per_s=target).rho < 1
    assert traffic.highway_state(s, closed=k + 1, target_tokens_per_s=target).rho >= 1


# -- the simulation -------------------------------------------------------------------------
def _measure(sim: HighwaySim, warm: int, steps: int) -> tuple[float, float]:
    sim.run(warm)
    q0 = sim.queue
    cars = sim.run(steps)
    return cars / steps, (sim.queue - q0) / steps


def test_saturation_flow_constant_is_measured():
    flows = [_measure(HighwaySim(LANES, 0, 100.0, seed=seed), 300, 1500)[0] / LANES for seed in (11, 12)]
    assert np.mean(flows) == pytest.approx(SATURATION_FLOW, rel=0.02)


@pytest.mark.parametrize("closed", [0, 4, 8])
def test_sim_throughput_matches_min_demand_capacity(closed):
    open_lanes = LANES - closed
    for rho in (0.3, 0.6, 0.9, 1.2, 2.0):
        sim = HighwaySim(LANES, closed, rho * open_lanes, seed=3, lane_capacity=2.5e10)
        flow, _ = _measure(sim, 250, 900)
        capacity = open_lanes * SATURATION_FLOW
        assert flow == pytest.approx(min(rho, 1.0) * capacity, rel=0.05), (closed, rho)
        assert sim.throughput_bps(100) == pytest.approx(min(rho, 1.0) * open_lanes * 2.5e10, rel=0.10)


@pytest.mark.parametrize("rho, grows", [(0.8, False), (1.2, True)])
def test_sim_queue_grows_exactly_above_capacity(rho, grows):
    sim = HighwaySim(LANES, 4, rho * 12, seed=5)
    _, growth = _measure(sim, 250, 900)
    expected = max(rho - 1.0, 0.0) * 12 * SATURATION_FLOW
    if grows:
        assert growth == pytest.approx(expected, rel=0.15) and sim.queue_growth_bps() > 0
    else:
        assert growth <= 0.002 and sim.queue < 10


def test_sim_deterministic_under_seed():
    def run(seed):
        sim = HighwaySim(LANES, 3, 14.0, seed=seed)
        sim.run(200)
        return sim.cars(), sim.queue

    a, b, c = run(42), run(42), run(43)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    assert not np.array_equal(a[0], c[0])


def test_sim_cars_are_consistent():
    sim = HighwaySim(LANES, 4, 20.0, seed=1)
    for _ in range(300):
        sim.step()
        keys = sim.lane * (sim.length + 1) + sim.x
        assert np.all(np.diff(keys) > 0)  # sorted, one car per cell
        assert np.all((sim.v >= 0) & (sim.v <= sim.v_max)) and np.all(sim.x < sim.length)
        assert np.all(sim.lane[sim.x == 0] < sim.open_lanes)
    cars = sim.cars()
    assert cars.shape == (sim.x.size, 4) and len(np.unique(sim.ids)) == sim.x.size


def test_sim_closing_lanes_live_merges_or_stops_at_barrier():
    sim = HighwaySim(LANES, 0, 10.0, seed=2)
    sim.run(200)
    sim.set_closed(8)
    for _ in range(300):
        sim.step()
        closed = sim.lane >= sim.open_lanes
        # nobody crosses the barrier of a closed lane; nobody new enters a closed lane
        assert not np.any(closed & (sim.x == sim.zone_start))
    assert np.all(sim.lane < sim.open_lanes)  # everyone merged or drove out


def test_simulation_for_state_matches_analytic_model():
    s = IDEAL
    target = 0.75 / estimate(s).tpot_s
    st = traffic.highway_state(s, closed=6, target_tokens_per_s=target)  # ρ = 0.75 · 16/10 = 1.2
    assert st.rho == pytest.approx(1.2)
    sim = traffic.simulation_for(st, seed=9)
    assert sim.open_lanes == st.open_lanes and sim.demand_lanes == pytest.approx(st.demand_lanes)
    flow, growth = _measure(sim, 250, 900)
    assert flow / SATURATION_FLOW * st.sim_lane_capacity == pytest.approx(st.delivered, rel=0.05)
    assert growth > 0 and st.queue_growth > 0


def test_traffic_modules_do_not_import_qt():
    import subprocess
    import sys

    code = ("import sys, explorer.core.highway.traffic, explorer.core.highway.sim\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'pyqtgraph', 'shiboken'))]\n"
            "assert not bad, bad\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
