"""The serving model against independent expectations: queueing formulas, Little's law, hand-derived
KV capacity, the single-stream estimate, and the two engines against each other."""

import math
from dataclasses import replace

import numpy as np
import pytest

from explorer.core import serving
from explorer.core.engine.estimate import decode_step_time, estimate, prefill_parts
from explorer.core.engine.resolved import resolve
from explorer.core.engine.step import mixed_step_time
from explorer.core.physics.units import GiB
from explorer.core.serving import meanfield, simulation
from explorer.core.serving.scheduler import scheduler
from explorer.core.serving.workload import Workload
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


REQUEST_S = presets.runtime("vllm").request_ms * 1e-3  # the runtime's cost before a request's first step


def llama8(**kw) -> Scenario:
    base = dict(model=presets.model("llama-3.1-8b"), hardware=presets.device("h100-sxm"), runtime="vllm",
                weights="bf16", kv="bf16", compute="bf16", prompt=1024, generate=256)
    return Scenario(**{**base, **kw})


# -- the one step function ------------------------------------------------------------------------
def test_the_step_function_is_the_estimates_at_its_two_ends():
    r = resolve(llama8())
    ctx = np.array([100.0, 1500.0, 9000.0])
    for n in (1, 8, 200):
        assert np.allclose(mixed_step_time(r, 0, n, ctx), decode_step_time(r, ctx, n), rtol=1e-12)
    p = np.array([1.0, 512.0, 8192.0])
    assert np.allclose(mixed_step_time(r, p, 0, 0), prefill_parts(r, p)["time"], rtol=1e-12)


def test_a_mixed_step_costs_less_than_a_prefill_step_and_a_decode_step_apart():
    # One pass reads the weights once for both: cheaper than the two passes, dearer than either.
    r = resolve(llama8())
    both = float(mixed_step_time(r, 512, 64, 1500))
    pre, dec = float(mixed_step_time(r, 512, 0, 0)), float(mixed_step_time(r, 0, 64, 1500))
    assert max(pre, dec) < both < pre + dec


# -- concurrency 1 ------------------------------------------------------------------------------
def test_concurrency_one_is_the_single_stream_estimate_plus_the_per_request_cost():
    s = llama8(load=1)
    est = estimate(s)
    per_request = presets.runtime("vllm").request_ms * 1e-3
    p = serving.steady(s)
    assert p.ttft_s == pytest.approx(est.ttft_s + per_request, rel=1e-6)
    assert p.tpot_s == pytest.approx(est.tpot_s, rel=1e-6)
    sim = serving.simulate(s, requests=60, seed=3).summary
    assert sim.ttft_s == pytest.approx(est.ttft_s + per_request, rel=1e-3)
    assert sim.tpot_s == pytest.approx(est.tpot_s, rel=2e-3)


def test_a_prompt_longer_than_the_chunk_costs_one_prefill_not_one_per_chunk():
    # vLLM's budget is 8,192 tokens a step, one of them taken by the request's own decode slot: an
    # 8,192-token prompt goes in two chunks (8,191 + 1). Its first token then costs about one
    # prefill (plus at most one small step), not two full chunks.
    s = llama8(load=1, prompt=8192, generate=256)
    r = resolve(s)
    prefill = float(prefill_parts(r, 8192)["time"])
    small = float(mixed_step_time(r, 1, 1, 8192))  # the last chunk: one token beside one decode
    ttft = serving.steady(s).ttft_s - REQUEST_S
    assert prefill <= ttft <= prefill + small * 1.05
    assert ttft < 1.5 * prefill


def _with_wave(s, share):
    from dataclasses import replace
    return replace(scheduler(s), wave_share=share)


def test_the_closed_loop_wave_queues_n_minus_one_half_prompts_ahead():
    # N clients whose prompts arrive together: the j-th waits for j − 1 others through the token
    # budget, a mean of (N − 1)/2 prompts of I tokens at the time per token of a full chunk step.
    s = llama8(generate=128)
    loads = np.array([1.0, 8.0, 32.0])
    r = resolve(s)
    base = meanfield.solve(s, loads, _with_wave(s, 0.0))
    m = meanfield.solve(s, loads, _with_wave(s, 0.5))
    assert np.all(base["wave"] == 0.0)
    chunk, n = m["c_max"], m["n_seen"]
    per_token = mixed_step_time(r, chunk, n, 1024 + 127 / 2, np.maximum(1024 - chunk, 0) / 2) / chunk
    hand = 0.5 * (loads - 1) / 2 * 1024 * per_token
    assert m["wave"][0] == 0.0  # one client: no wave
    assert np.allclose(m["wave"][1:], hand[1:], rtol=0.03)
    # it is part of every request's time in the system, so Little's law still holds exactly
    assert np.allclose(m["x"] * (m["ttft_svc"] + m["w_adm"] + (128 - 1) * m["tpot"]), loads, rtol=1e-9)
    assert np.all(m["ttft_svc"][1:] > base["ttft_svc"][1:])


# -- Little's law and queueing formulas ------------------------------------------------------------
def test_littles_law_holds_exactly_in_the_closed_loop_mean_field():
    s = llama8(think_s=0.5)
    loads = np.array([1.0, 8, 64, 200, 300, 600])
    c = serving.curve(s, loads)
    # N = X · (E2E + think): every client is either waiting, being served or thinking.
    assert np.allclose(c.requests_per_s * (c.e2e_s + 0.5), loads, rtol=1e-9)


def test_littles_law_in_the_closed_loop_simulation():
    s = llama8(load=32, generate=128)
    res = serving.simulate(s, requests=3000, seed=1).summary
    assert res.requests_per_s * res.e2e_s == pytest.approx(32, rel=0.03)


def _single_server(s, requests, seed, workload=None):
    sch = simulation.with_limit(scheduler(s), 1)
    return simulation.run(s, requests, seed, sch=sch, workload=workload)


def test_batch_capped_at_one_with_fixed_lengths_waits_as_md1():
    # Poisson arrivals, one request at a time, every request the same: M/D/1,
    #   Wq = ρ·S / (2(1 − ρ))   (Pollaczek–Khinchine with zero service variance).
    s = llama8(prompt=64, generate=64, load_kind="rate", load=1.0)
    one = _single_server(s.with_(load=0.001), 50, 1)
    # the server's time: E2E less the runtime's per-request cost spent before the request reaches it
    service, ttft0 = one.summary.e2e_p50 - REQUEST_S, one.summary.ttft_p50
    lam = 0.5 / service  # ρ = 0.5
    res = _single_server(s.with_(load=lam), 20000, 7)
    rho = lam * service
    assert res.summary.ttft_s - ttft0 == pytest.approx(rho * service / (2 * (1 - rho)), rel=0.06)


def test_batch_capped_at_one_with_exponential_lengths_waits_as_mm1():
    # Exponential output lengths make the service time (nearly) exponential: M/M/1,
    #   Wq = ρ·S / (1 − ρ).  The service has a small fixed part (prefill), so check the exact
    #   M/G/1 form too, with the run's own service moments: Wq = λ·E[S²] / (2(1 − ρ)).
    s = llama8(prompt=16, generate=200, load_kind="rate", load=1.0)
    wl = Workload(16, 200, "exponential")
    probe = _single_server(s.with_(load=0.001), 200, 2, wl)
    ttft0 = probe.summary.ttft_p50  # the first-token time with no one ahead
    mean_s = float(probe.e2e.mean()) - REQUEST_S
    lam = 0.5 / mean_s
    res = _single_server(s.with_(load=lam), 40000, 11, wl)
    wait = res.ttft - ttft0
    svc = res.e2e - wait - REQUEST_S
    rho = lam * svc.mean()
    assert wait.mean() == pytest.approx(lam * (svc ** 2).mean() / (2 * (1 - rho)), rel=0.10)
    assert wait.mean() == pytest.approx(rho * svc.mean() / (1 - rho), rel=0.15)


def test_the_mean_field_single_server_is_pollaczek_khinchine():
    # One slot, fixed lengths: the admission wait is M/D/1's  Wq = ρ·S / (2(1 − ρ)),  ρ = λ·S.
    s = llama8(prompt=64, generate=64, load_kind="rate")
    sch = simulation.with_limit(scheduler(s), 1)
    m0 = meanfield.solve(s, np.array([1e-6]), sch)
    lam = 0.5 / float(m0["r_svc"][0])
    m = meanfield.solve(s, np.array([lam]), sch)
    service = float(m["r_svc"][0])
    rho = lam * service
    assert float(m["w_adm"][0]) == pytest.approx(rho * service / (2 * (1 - rho)), rel=1e-6)


# -- the knee and what binds it --------------------------------------------------------------------
def _kv_capacity_by_hand(s: Scenario, block: int = 16) -> int:
    m = s.model
    kv_per_token = 2 * m.layers * m.kv_heads * m.hd * 2  # K and V, FP16/BF16
    weights = m.params_total * 2.0  # BF16
    room = (0.9 * s.hardware.memory_gib * GiB - 2.0 * GiB - weights / s.devices) * s.devices
    blocks = int(room // (block * kv_per_token))
    per_request = math.ceil((s.prompt + s.generate) / block)
    return blocks // per_request


def test_the_knee_is_the_kv_capacity_derived_by_hand():
    # Llama-3.1-70B in BF16 on 2× H200: ~115 GiB of KV beside the weights; 8k-token requests.
    s = Scenario(model=presets.model("llama-3.1-70b"), hardware=presets.device("h200"), runtime="vllm",
                 weights="bf16", kv="bf16", compute="bf16", devices=2, prompt=4096, generate=4096)
    cap = _kv_capacity_by_hand(s)
    assert 5 < cap < 256  # KV binds before max_num_seqs
    c = serving.curve(s, np.array([cap, cap + 4.0]))
    assert c.mean_running[0] == pytest.approx(cap) and c.queue_length[0] == pytest.approx(0, abs=1e-6)
    assert c.mean_running[1] == pytest.approx(cap) and c.queue_length[1] == pytest.approx(4, rel=1e-6)
    target = s.with_(slo_ttft_ms=float(c.ttft_p90[0]) * 1e3 * 1.0001, slo_tpot_ms=1000.0)
    k = serving.knee(target)
    assert k.load == cap and k.binding_limit == "kv_capacity"


def test_a_low_running_limit_binds_as_running_limit():
    # llama.cpp server with 64 slots, a small model and short requests: the slots fill before KV.
    s = Scenario(model=presets.model("llama-3.2-1b"), hardware=presets.device("rtx-4090"), runtime="llama-cpp-cuda",
                 prompt=256, generate=64, slo_ttft_ms=100.0, slo_tpot_ms=1000.0)
    k = serving.knee(s)
    assert k.binding_limit == "running_limit"
    assert serving.curve(s, np.array([1.0])).capacity_requests == 64 and k.load >= 64


def test_long_prompts_bind_on_compute_and_tight_tpot_on_bandwidth():
    s = llama8(prompt=8000, generate=16, slo_ttft_ms=1500.0, slo_tpot_ms=1000.0)
    assert serving.knee(s).binding_limit == "compute"
    s = llama8(prompt=128, generate=512, slo_ttft_ms=10_000.0, slo_tpot_ms=9.0)
    assert serving.knee(s).binding_limit == "bandwidth"


# -- shapes ---------------------------------------------------------------------------------------
def test_ttft_below_the_knee_is_one_prefill_plus_at_most_one_step():
    s = llama8(load_kind="rate")
    r = resolve(s)
    prefill = float(prefill_parts(r, 1024)["time"])
    _, sat = meanfield.saturation(s)
    for lam in (0.05 * sat, 0.2 * sat):
        p = serving.steady(s.with_(load=lam))
        step = p.step_s
        assert prefill <= p.ttft_s <= prefill + step + 1e-9 + presets.runtime("vllm").request_ms * 1e-3
        sim = serving.simulate(s.with_(load=lam), requests=3000, seed=5).summary
        assert prefill <= sim.ttft_p50 <= 1.05 * (prefill + 2 * step) + REQUEST_S


@pytest.mark.parametrize("kind", ["concurrency", "rate"])
def test_latency_and_throughput_never_fall_as_load_rises(kind):
    s = llama8(load_kind=kind)
    loads = serving.default_loads(s, 64)
    c = serving.curve(s, loads)
    stable = np.isfinite(c.ttft_s)
    for arr in (c.ttft_s[stable], c.tpot_s, c.e2e_s[stable], c.requests_per_s):
        assert np.all(np.diff(arr) >= -1e-3 * np.abs(arr[1:]))  # flat past the knee, to the solver's precision
    if kind == "rate":
        assert not stable[-1]  # 150 % of saturation: the queue grows without bound


def test_the_knee_marks_where_ttft_explodes_while_tpot_stays_bounded():
    s = llama8(slo_ttft_ms=1000.0, slo_tpot_ms=60.0)
    cap = serving.curve(s, np.array([1.0])).capacity_requests
    c = serving.curve(s, np.array([cap / 2, cap, 2 * cap, 4 * cap]))
    assert c.ttft_s[3] > 20 * c.ttft_s[1]
    assert c.tpot_s[3] < 1.2 * c.tpot_s[1]


def test_same_seed_same_numbers_and_another_seed_differs():
    s = llama8(load_kind="rate", load=10.0, lengths="lognormal", length_spread=0.5)
    a, b = serving.simulate(s, 800, seed=4), serving.simulate(s, 800, seed=4)
    assert a.summary == b.summary and np.array_equal(a.ttft, b.ttft)
    assert serving.simulate(s, 800, seed=5).summary.ttft_s != a.summary.ttft_s


# -- two engines, one answer ------------------------------------------------------------------------
@pytest.mark.parametrize("share", [0.3, 0.6])
def test_simulation_and_mean_field_agree_below_the_knee(share):
    s = llama8(load_kind="rate")
    _, sat = meanfield.saturation(s)
    s = s.with_(load=share * sat)
    mf = serving.steady(s)
    sim = serving.simulate(s, requests=5000, seed=2).summary
    assert sim.requests_per_s == pytest.approx(mf.requests_per_s, rel=0.04)
    assert sim.tpot_s == pytest.approx(mf.tpot_s, rel=0.10)
    assert sim.ttft_s == pytest.approx(mf.ttft_s, rel=0.30)
    assert sim.mean_running == pytest.approx(mf.mean_running, rel=0.10)


TAU = 0.01  # the fixed step time of the hand-derived closed loop below


@pytest.fixture
def fixed_step(monkeypatch):
    """Every non-empty step takes TAU, whatever it carries, in both engines."""
    from explorer.core.engine import step

    def flat(r, prefill_tokens, decode_seqs, decode_ctx, prefill_offset=0.0):
        p, n, _c, _o = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in
                                             (prefill_tokens, decode_seqs, decode_ctx, prefill_offset)))
        return np.where((p > 0) | (n > 0), TAU, 0.0)
    for mod in (step, meanfield, simulation):
        monkeypatch.setattr(mod, "mixed_step_time", flat)


@pytest.mark.parametrize("delay_steps, ttft_steps", [(0.0, 1.0), (2.5, 4.0)])
def test_closed_loop_of_four_clients_derived_by_hand(fixed_step, delay_steps, ttft_steps):
    # 4 clients, 512 → 100 tokens, every step TAU, vLLM's budget (8,192 tokens: all four prompts fit
    # in one step, so a prompt never waits for another's) and running limit (256), no think time.
    # A reply ends at a step boundary. With no per-request cost the next request arrives at that
    # instant and its prompt rides the very next step, which also samples its first token:
    #   TTFT = τ, then O − 1 = 99 steps: TPOT = τ, E2E = 100 τ, X = N ÷ E2E = 4 ÷ 1 s, running 4.
    # With a per-request cost of 2.5 steps the request lands in the middle of a step (the other
    # three keep decoding, so steps never pause) and waits the half step left:
    #   TTFT = 2.5 τ + 0.5 τ + τ = 4 τ, E2E = 103 τ, X = 4 ÷ 1.03 s.
    # Both hold whatever the clients' phases: with a fixed step time no arrangement is faster.
    s = llama8(prompt=512, generate=100, load=4.0)
    sch = replace(scheduler(s), request_s=delay_steps * TAU, wave_share=0.0)
    ttft, e2e = ttft_steps * TAU, (ttft_steps + 99) * TAU
    sim = simulation.run(s, 400, seed=3, sch=sch).summary
    assert sim.ttft_s == pytest.approx(ttft, rel=1e-6)
    assert sim.tpot_s == pytest.approx(TAU, rel=1e-6)
    assert sim.e2e_s == pytest.approx(e2e, rel=1e-6)
    # the rate is counted between the window's first and last completions (320 of them): ± one in 320
    assert sim.requests_per_s == pytest.approx(4 / e2e, rel=2e-3)
    m = meanfield.solve(s, np.array([4.0]), sch)
    # the mean field takes the arrival's place in the step as random: the half step left is met
    # when another client is mid-step, 1 − e^(−3) of the time (2.5 % short of the hand's 4 τ)
    assert m["ttft_svc"][0] + m["w_adm"][0] == pytest.approx(ttft, rel=0.02 if delay_steps else 1e-3)
    assert m["tpot"][0] == pytest.approx(TAU, rel=1e-9)
    assert m["x"][0] == pytest.approx(4 / e2e, rel=2e-3)
    assert m["running"][0] == pytest.approx(4.0, rel=1e-9)


@pytest.mark.parametrize("clients", [4, 16, 64, 200])
def test_simulation_and_mean_field_agree_in_the_closed_loop(clients):
    # Statistically identical clients (lengths uniform ±20 % about 1,000 → 200 tokens), below the
    # knee (256 running, KV for ~350). At 200 clients a prompt arrives about every step; they land
    # as Poisson arrivals, so a third of the steps carry none and decode alone, memory-bound, without
    # the prefill's compute to hide under (the mean field that packed exactly Xτ̄ prompts into every
    # step claimed 14 % more throughput than this). Measured over the window after the warm-up.
    s = llama8(prompt=1000, generate=200, load=float(clients), lengths="uniform", length_spread=0.2)
    mf = serving.steady(s)
    sim = serving.simulate(s, requests=max(3000, 20 * clients), seed=0).summary
    assert sim.requests_per_s == pytest.approx(mf.requests_per_s, rel=0.05)
    assert sim.tpot_s == pytest.approx(mf.tpot_s, rel=0.06)
    assert sim.ttft_s == pytest.approx(mf.ttft_s, rel=0.25)
    # Little's law in both: every client is waiting or being served (no think time)
    assert mf.requests_per_s * mf.e2e_s == pytest.approx(clients, rel=1e-9)
    assert sim.requests_per_s * sim.e2e_s == pytest.approx(clients, rel=0.03)


def test_closed_loop_clients_start_spread_over_the_loaded_cycle():
    # 64 clients, every request 1,000 → 200 tokens (deterministic). Started over one request's time
    # alone (~1.5 s, a third of the ~4 s cycle at this load), the clients bunched into dense cohorts
    # whose prompts queued behind each other's 8,192-token prefill steps for the whole run: mean TTFT
    # 0.94 s where one lone prefill step takes ~30 ms. Spread over the loaded cycle they start near the
    # steady state. (Identical requests still lock into some cohorts: two clients prefilled in one step
    # finish in one step and return together, and nothing in a noise-free run parts them again; the
    # mean field, random phases, has none: its TTFT here is ~0.1 s. The two engines are held to agree
    # in the closed loop with lengths that vary, above, and in the open loop.)
    s = llama8(prompt=1000, generate=200, load_kind="concurrency", load=64.0)
    res = serving.simulate(s, requests=2000, seed=0)
    one_prefill = mixed_step_time(resolve(s), 1000.0, 0.0, 0.0)
    assert one_prefill == pytest.approx(0.03, rel=0.2)  # the scale TTFT is measured against
    assert res.summary.ttft_s < 0.5


def test_progress_streams_partial_results_and_cancel_stops():
    s = llama8(load=16, generate=64)
    seen = []
    res = serving.simulate(s, 2000, seed=1, progress=lambda f, part: seen.append((f, part.completed)))
    assert seen and all(0 < f <= 1 for f, _ in seen) and res.completed == 2000
    calls = []
    res = serving.simulate(s, 2000, seed=1, cancelled=lambda: len(calls) > 50 or calls.append(1))
    assert res.cancelled and res.completed < 2000


def test_preemption_by_recompute_when_kv_runs_out():
    # Admission checks only the prompt's blocks; long outputs then outgrow the cache.
    s = Scenario(model=presets.model("llama-3.1-70b"), hardware=presets.device("h100-sxm"), runtime="vllm",
                 weights="bf16", kv="bf16", compute="bf16", devices=2, prompt=512, generate=4096, load=64)
    res = serving.simulate(s, 100, seed=1)
    assert res.preemptions > 0 and res.completed == 100
    assert res.kv_occupancy.max() <= 1.0 + 1e-9
