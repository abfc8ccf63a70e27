"""The mean-field (steady-state) serving model: instant curves over many loads at once.

Every quantity is a time average in steady state, solved as a fixed point over the throughput X
(requests/s), vectorized over the load points:

- decoding sequences n_d = X·(O − 1)·TPOT (Little's law on the decode phase); a request sees the others
  plus itself, n = 1 + n_d (open loop, PASTA) or 1 + n_d·(N − 1)/N (closed loop);
- prompt tokens arrive at X·I per second; a step carries a chunk of up to c = budget − n of them
  (mixed) or budget (separate prefill steps); prompts arriving during a step join the next as Poisson
  arrivals, m = X·τ̄ of them on average, so a step carries m ÷ (1 − e^(−m)) prompts when it carries any
  (at most c tokens) and the share of steps carrying a chunk is q = X·I·τ̄ ÷ chunk (1 − e^(−m) below c);
- mean step τ̄ = (1 − q)·D(n) + q·M(chunk, n), with D and M from the one step function
  (explorer.core.engine.step); TPOT = τ̄ when chunks ride in decode steps, D + q/(1 − q)·M when they stall them;
- TTFT = per-request cost + residual of the step in flight + the prompt's steps (⌈I ÷ c⌉ − 1 full
  chunks, then the rest) + the wait for the prefill queue (K = ⌊c ÷ I⌋ prompts served per full chunk
  step of time M(c): Sakasegawa's M/M/K × (ca² + 0)/2, ρ = X·I·M(c) ÷ c; closed loop: at most N − 1
  prompts ahead; no step in flight when a closed loop sends the next request the instant a reply ends) + the
  closed-loop wave (below) + the wait for admission;
- admission: at most C = min(running limit, KV slots) requests run. Closed loop: X = min(N ÷ (R + Z), C ÷ R)
  and the clients that do not fit wait (W = N ÷ X − Z − R, Little's law); open loop: an M/G/C queue
  (Sakasegawa's M/M/c approximation × Allen–Cunneen's (ca² + cs²)/2), unstable when λ·R ≥ C.

Phases are mostly random: clients of a closed loop are not in lockstep. A runtime's fitted
``wave_share`` is the share of requests that do arrive in a wave with all N clients' prompts (a
benchmark that starts every client at once, identical lengths keeping them in step): those wait
(N − 1)/2 prompts through the token budget (``_wave_wait``). The simulation does not add it: it
staggers the clients' first requests over one service time and leaves out the first and last tenth.

Percentiles: ITL is two-valued per token (D or M); TPOT is a mean over O − 1 gaps (normal, σ ÷ √(O − 1));
TTFT = its service part at the input length's percentile + a wait with an atom at 0 and an exponential
tail (exact for M/M/c). Fixed lengths make the service parts exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from explorer.core.engine.step import mixed_step_time
from explorer.core.serving.results import BINDING_LIMITS, Knee, ServingCurve
from explorer.core.serving.scheduler import Scheduler, scheduler
from explorer.core.serving.workload import CHAT_SPREAD, from_scenario
from explorer.core.state.scenario import Scenario

Z = {50: 0.0, 90: 1.2815516, 99: 2.3263479}
ITERATIONS = 32
GRID = 33  # step-time table points per axis (the step cost is piecewise linear in both)


class Table:
    """The step function tabulated once per setup on a (prompt tokens × decodes) grid at the mean
    decode context, for one setup or many stacked (the planner), then read by bilinear interpolation
    inside the fixed-point loop. Decodes: 0, 1, then evenly to n_max (a lone decode is exact, so
    concurrency 1 equals the single-stream estimate); prompt tokens: multiples of the prompt's
    fraction I/m (the prompt itself is a grid point)."""

    def __init__(self, setups: list[tuple]):
        """``setups``: (resolved, ctx, inp, n_max, p_max) per setup."""
        c = len(setups)
        self.gp, self.gn = GRID + 32, GRID
        self.hn = np.empty(c)
        self.hp = np.empty(c)
        self.t = np.empty((c, self.gp, self.gn))
        for k, (r, ctx, inp, n_max, p_max) in enumerate(setups):
            self.hn[k] = max(n_max - 1.0, 1.0) / (self.gn - 2)
            if inp >= 1:
                m = max(1.0, np.floor((self.gp - 1) * inp / max(p_max, 1.0)))
                hp = inp / m if inp * (self.gp - 1) / m >= p_max else inp * np.ceil(p_max / ((self.gp - 1) * inp))
            else:
                hp = max(p_max, 1.0) / (self.gp - 1)
            self.hp[k] = hp
            n = np.concatenate([[0.0], 1.0 + self.hn[k] * np.arange(self.gn - 1)])
            pp = hp * np.arange(self.gp)[:, None]
            self.t[k] = mixed_step_time(r, pp, n[None, :], ctx, np.maximum(inp - pp, 0.0) / 2)
        self.flat = self.t.reshape(-1)

    def npos(self, n, idx):
        """Where decode counts ``n`` fall on the grid: (flat offset of the cell, weight of the next)."""
        fn = np.where(n < 1.0, np.maximum(n, 0.0), 1.0 + (n - 1.0) / self.hn[idx])
        j = np.minimum(fn.astype(np.int64), self.gn - 2)
        return idx * (self.gp * self.gn) + j, np.minimum(fn - j, 1.0)

    def at(self, p, pos, idx):
        """Step time of ``p`` prompt tokens beside the decodes at ``pos`` (from :meth:`npos`)."""
        base0, b = pos
        fp = np.maximum(p, 0.0) / self.hp[idx]
        i = np.minimum(fp.astype(np.int64), self.gp - 2)
        a = np.minimum(fp - i, 1.0)
        base = base0 + i * self.gn
        f = self.flat
        return ((1 - a) * ((1 - b) * f[base] + b * f[base + 1])
                + a * ((1 - b) * f[base + self.gn] + b * f[base + self.gn + 1]))

    def at_decode(self, pos):
        base, b = pos
        return (1 - b) * self.flat[base] + b * self.flat[base + 1]

    def mixed(self, p, n, idx):
        return self.at(p, self.npos(n, idx), idx)

    def decode(self, n, idx):
        return self.at_decode(self.npos(n, idx))


def length_quantile(kind: str, mean: float, spread: float, p: float) -> float:
    """The p-quantile (0–1) of a length distribution with the given mean."""
    if kind == "chat":
        kind, spread = "lognormal", CHAT_SPREAD
    if kind == "fixed" or spread <= 0 or mean <= 0:
        return mean
    if kind == "uniform":
        return mean * (1 + spread * (2 * p - 1))
    s2 = np.log1p(spread * spread)
    from statistics import NormalDist
    return float(np.exp(np.log(mean) - s2 / 2 + np.sqrt(s2) * NormalDist().inv_cdf(p)))


def step_bound(r, p, n, ctx) -> np.ndarray:
    """1 where a step's FLOP time exceeds its memory time (compute-bound), else 0."""
    from explorer.core.engine.passes import _rates
    from explorer.core.physics import flops, memory
    m = r.scenario.model
    rate, w_bw, kv_bw = _rates(r, 1.0)
    f = flops.prefill_flops(m, p) + n * flops.decode_step_flops(m, ctx)
    mem = memory.weight_bytes_read(m, r.weights, p + n) / w_bw + n * memory.kv_cache_bytes(m, r.kv, ctx) / kv_bw
    return (f / rate > mem).astype(int)


def iterate(a: dict, tab: Table) -> dict:
    """The fixed point, elementwise over load points (of one setup or of many: ``a["idx"]`` says which
    table row each point reads). Per-point arrays: loads, clients, idx, cap, budget, mixed, chunked,
    request_s, d1; scalars: inp, out, closed, think, ca2."""
    inp, out, closed, think, ca2 = (a[k] for k in ("inp", "out", "closed", "think", "ca2"))
    loads, clients, idx, cap_f, budget, mixed = (a[k] for k in ("loads", "clients", "idx", "cap", "budget", "mixed"))
    chunked, request_s, d1 = a["chunked"], a["request_s"], a["d1"]
    one = np.ones_like(loads)
    not_alone = (1.0 - 1.0 / clients) if closed else one
    x = clients / (inp * 1e-4 + out * d1 + think + 1e-9) if closed else loads.copy()
    x = np.minimum(x, cap_f / (out * d1))
    tau = d1 * one
    tpot = d1 * one
    all_mixed, none_mixed = bool(np.all(mixed)), not bool(np.any(mixed))
    waves = closed and inp > 0 and bool(np.any(a["wave_share"] > 0))
    on_boundary = closed and think == 0 and bool(np.all(request_s == 0))
    for _ in range(ITERATIONS):
        n_d = np.minimum(x * (out - 1.0) * tpot, cap_f)
        others = n_d * not_alone
        n_seen = np.minimum(1.0 + others, cap_f) if out > 1 else 0 * others
        c_max = np.where(mixed, np.maximum(budget - n_seen, 1.0), budget)
        c_max = np.where(chunked, c_max, np.maximum(c_max, inp))
        c_own = np.minimum(inp, c_max)
        lam_p = x * inp
        # Prompts arriving during a step join the next one: Poisson(m) of them, m = X·τ̄, so a step
        # carries a prompt with probability 1 − e^(−m) and then m ÷ (1 − e^(−m)) prompts on average.
        m_arr = np.maximum(x * tau, 1e-12)
        packed_mean = inp * m_arr / -np.expm1(-m_arr)
        p_m = np.minimum(np.maximum(packed_mean, c_own), np.maximum(c_max, c_own)) if inp > 0 else one
        # grid positions of the decode counts, each found once per iteration
        at_seen = tab.npos(np.maximum(n_seen, 1.0), idx)
        at_mix = at_seen if all_mixed and out > 1 else tab.npos(np.where(mixed, n_seen, 0.0), idx)
        at_own = tab.npos(0 * others if none_mixed else np.where(mixed, others, 0.0), idx)
        dec = tab.at_decode(at_seen)
        mix = tab.at(p_m, at_mix, idx)  # a chunk step as decoders see it
        q = np.minimum(lam_p * tau / np.maximum(p_m, 1.0), 0.999) if inp > 0 else 0 * one
        q_seen = q * not_alone  # a decoding request meets the OTHER requests' prompt chunks
        tau_new = (1 - q) * dec + q * mix
        tpot_new = np.where(mixed, (1 - q_seen) * dec + q_seen * mix, dec + q_seen / (1 - q_seen) * mix)
        tau = 0.5 * tau + 0.5 * tau_new
        tpot = 0.5 * tpot + 0.5 * tpot_new
        k = np.ceil(inp / c_max) if inp > 0 else one
        wave = _wave_wait(a, tab, c_max, at_mix, idx, cap_f) if waves else 0 * one
        # a request meets a step in flight when others run; in a closed loop with no delay between a
        # reply and the next request, it arrives exactly at the step boundary (no residual)
        busy = (1.0 - np.exp(-others)) * (0.0 if on_boundary else 1.0)
        residual = ((1 - q) * dec * dec + q * mix * mix) / (2 * np.maximum(tau, 1e-300))  # length-biased
        # Prompts that arrive while one waits for the step boundary share its step (Poisson packing).
        # A prompt takes k steps: k − 1 full chunks, then the rest (with the prompts packed beside it).
        rest = inp - (k - 1.0) * c_max if inp > 0 else one
        packed = np.minimum(c_max, rest + lam_p * busy * residual) if inp > 0 else one
        mix_own = tab.at(packed, at_own, idx)
        if inp > 0:
            first = mix_own + ((k - 1.0) * tab.at(c_max, at_own, idx) if bool(np.any(k > 1)) else 0.0)
        else:
            first = dec
        # The prefill queue: a step of a full chunk serves c_max prompt tokens, K = ⌊c_max ÷ I⌋ prompts
        # at once (one, over ⌈I ÷ c_max⌉ steps, when I > c_max): K servers of one full step each,
        # Sakasegawa's M/M/K wait × Allen–Cunneen's (ca² + 0)/2, as for admission below.
        full = tab.at(np.maximum(c_max, 1.0), at_mix, idx) if inp > 0 else dec
        rho_p = np.minimum(lam_p * full / np.maximum(c_max, 1.0), 0.999) if inp > 0 else 0 * one
        servers = np.maximum(np.floor(c_max / max(inp, 1.0)), 1.0)
        svc_p = full * np.maximum(np.ceil(inp / np.maximum(c_max, 1.0)), 1.0)
        kingman = (rho_p ** (np.sqrt(2.0 * (servers + 1.0)) - 1.0) / (servers * (1 - rho_p)) * svc_p
                   * ca2 / 2 * not_alone)
        if closed and inp > 0:  # at most the other N − 1 clients' prompts are ahead
            kingman = np.minimum(kingman, np.maximum(clients - 1.0, 0.0) * inp * full / np.maximum(c_max, 1.0))
        ttft_svc = request_s + busy * residual + first + kingman + wave
        r_svc = ttft_svc + (out - 1.0) * tpot
        if closed:
            x_new = np.minimum(clients / (r_svc + think), cap_f / r_svc)
        else:
            x_new = np.minimum(loads, cap_f / r_svc * 0.9999)
        settled = bool(np.all(np.abs(x_new - x) <= 1e-10 * np.abs(x))) and bool(np.all(np.abs(tpot_new - tpot) <= 1e-10 * tpot))
        x = 0.5 * x + 0.5 * x_new
        if settled:
            break
    x = x_new  # the last evaluation, undamped: Little's law then holds exactly for it
    return dict(x=x, tau=tau, tpot=tpot, dec=dec, mix=mix, q=q, q_seen=q_seen, ttft_svc=ttft_svc, r_svc=r_svc,
                n_d=n_d, n_seen=n_seen, first=first, kingman=kingman, p_m=p_m, rho_p=rho_p, c_max=c_max, wave=wave)


def _wave_wait(a: dict, tab: Table, c_max, at_mix, idx, cap_f) -> np.ndarray:
    """Closed loop: the mean wait of a request whose prompt arrives in a wave with the other clients'.

    A benchmark at fixed concurrency starts its N clients together, and identical fixed lengths keep
    them in step after that: N prompts then queue through the token budget at once, the j-th behind
    j − 1 others, a mean of (N − 1)/2 prompts of I tokens, each token at the time per token of a full
    prefill step. ``wave_share`` (per runtime, fitted) is the share of requests that meet such a wave;
    the others arrive spread out (the Kingman term). Exact for one wave of N identical prompts."""
    chunk = np.maximum(c_max, 1.0)
    per_token = tab.at(chunk, at_mix, idx) / chunk
    n_wave = np.minimum(a["clients"], cap_f)
    return a["wave_share"] * np.maximum(n_wave - 1.0, 0.0) / 2.0 * a["inp"] * per_token


def setup(s: Scenario, sch: Scheduler, loads: np.ndarray, idx: int = 0) -> tuple[dict, tuple]:
    """The per-point inputs of :func:`iterate` for one setup, and its table row."""
    wl, ld, _ = from_scenario(s)
    closed = s.load_kind == "concurrency"
    inp, out = float(wl.input_mean), float(max(wl.output_mean, 1.0))
    cap, _lim = sch.capacity(inp + out)
    cap_f = float(max(cap, 1))
    ctx = inp + (out - 1.0) / 2.0  # mean context of the decode steps (as estimate.mean_decode)
    r = sch.resolved
    one = np.ones_like(loads)
    a = dict(inp=inp, out=out, closed=closed, think=ld.think_s if closed else 0.0, ca2=1.0 if closed else ld.burstiness ** 2,
             loads=loads, clients=np.maximum(loads, 1.0) if closed else one * np.inf,
             idx=np.full(loads.shape, idx, dtype=np.int64), cap=cap_f * one, budget=float(sch.budget) * one,
             mixed=np.full(loads.shape, sch.mixed), chunked=np.full(loads.shape, sch.chunked),
             request_s=sch.request_s * one, wave_share=sch.wave_share * one, d1=float(mixed_step_time(r, 0.0, 1.0, ctx)) * one)
    return a, (r, ctx, inp, cap_f, max(sch.budget, inp))


def solve(s: Scenario, loads: np.ndarray, sch: Scheduler | None = None, _sat=None) -> dict[str, Any]:
    """The fixed point at every load; a dict of arrays (see ServingCurve for the names)."""
    wl, ld, slo = from_scenario(s)
    sch = sch or scheduler(s)
    r = sch.resolved
    loads = np.atleast_1d(np.asarray(loads, dtype=np.float64))
    a, row = setup(s, sch, loads)
    m = iterate(a, Table([row]))
    closed, inp, out = a["closed"], a["inp"], a["out"]
    cap, cap_limit = sch.capacity(inp + out)
    cap_f = float(max(cap, 1))
    one = np.ones_like(loads)
    x, r_svc, rho_p = m["x"], m["r_svc"], m["rho_p"]
    running = np.minimum(x * r_svc, cap_f)
    cs2 = wl.output_cv ** 2
    if closed:
        think, clients = a["think"], a["clients"]
        w_adm = np.maximum(clients / x - think - r_svc, 0.0)
        queue = np.maximum(clients - running - x * think, 0.0)
        p_wait = (w_adm > 1e-9 * r_svc).astype(float)
        stable = np.ones(loads.shape, bool)
    elif _sat is None:
        sat = solve(s.with_(load_kind="concurrency", load=cap_f, think_s=0.0), np.array([cap_f]), sch)
        over = loads >= sat["x"][0] * 0.9999
        if over.any():
            res = solve(s, np.where(over, 1e-9, loads), sch, _sat=sat) if not over.all() else None
            out_ = {}
            for key in ("x", "tau", "tpot", "dec", "mix", "q", "q_seen", "ttft_svc", "running", "n_d", "n_seen",
                        "first", "kingman", "p_m", "rho_p", "c_max"):
                under_v = res[key] if res is not None else sat[key][0] * one
                out_[key] = np.where(over, sat[key][0], under_v)
            out_["w_adm"] = np.where(over, np.inf, res["w_adm"] if res is not None else np.inf)
            out_["queue"] = np.where(over, np.inf, res["queue"] if res is not None else np.inf)
            out_["p_wait"] = np.where(over, 1.0, res["p_wait"] if res is not None else 1.0)
            return {**sat, **out_, "stable": ~over}
        return solve(s, loads, sch, _sat=sat)
    else:
        rho = loads * r_svc / cap_f
        stable = (rho < 1.0) & (rho_p < 0.999)
        rho_c = np.minimum(rho, 0.999999)
        p_wait = np.minimum(rho_c ** (np.sqrt(2.0 * (cap_f + 1.0)) - 1.0), 1.0)
        w_adm = (a["ca2"] + cs2) / 2 * p_wait * r_svc / (cap_f * (1 - rho_c))
        w_adm = np.where(stable, w_adm, np.inf)
        queue = np.where(stable, loads * w_adm, np.inf)
        x = loads.copy()
    return {**m, "x": x, "w_adm": w_adm, "p_wait": p_wait, "running": running, "queue": queue, "stable": stable,
            "cap": cap_f, "cap_limit": cap_limit, "inp": inp, "out": out, "ctx": inp + (out - 1.0) / 2.0, "r": r,
            "sch": sch, "slo": slo, "wl": wl}


def _wait_quantile(w_mean, p_wait, p) -> np.ndarray:
    """Quantile of a wait with P(wait > 0) = p_wait and an exponential tail of mean w_mean ÷ p_wait."""
    pw = np.maximum(p_wait, 1e-12)
    tail = (w_mean / pw) * np.log(np.maximum(pw / (1 - p), 1.0))
    return np.where(np.isfinite(w_mean), np.where(1 - p >= pw, 0.0, tail), np.inf)


def curve(s: Scenario, loads: np.ndarray) -> ServingCurve:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _curve(s, loads)


def _curve(s: Scenario, loads: np.ndarray) -> ServingCurve:
    m = solve(s, loads)
    wl, slo = m["wl"], m["slo"]
    inp, out, x = m["inp"], m["out"], m["x"]
    closed = s.load_kind == "concurrency"
    q, dec, mix, tpot = m["q_seen"], m["dec"], m["mix"], m["tpot"]
    sch = m["sch"]
    # ITL: a decode token's gap is D, or M when its step carries a prompt chunk (prob q).
    if sch.mixed:
        itl_var = q * (1 - q) * (mix - dec) ** 2
    else:
        itl_var = q / (1 - q) ** 2 * mix ** 2
    sigma_tpot = np.sqrt(itl_var / max(out - 1.0, 1.0))
    res = {"loads": np.asarray(loads, dtype=np.float64)}
    res["tpot_s"] = tpot
    res["itl_s"] = tpot
    wait = m["w_adm"]
    res["ttft_s"] = m["ttft_svc"] + wait
    res["e2e_s"] = res["ttft_s"] + (out - 1.0) * tpot
    spread = wl.spread
    for pct in (50, 90, 99):
        p = pct / 100
        if sch.mixed:
            itl = np.where(q > 1 - p, mix, dec)
        else:
            g = np.floor(np.log(1 - p) / np.log(np.maximum(q, 1e-12)))
            itl = dec + np.maximum(g, 0) * mix
        res[f"itl_p{pct}"] = itl
        res[f"tpot_p{pct}"] = tpot + Z[pct] * sigma_tpot
        i_p = length_quantile(wl.kind, inp, spread, p)
        o_p = length_quantile(wl.kind, out, spread, p)
        svc = m["ttft_svc"] + (m["first"] * (np.ceil(i_p / m["c_max"]) / np.maximum(np.ceil(inp / m["c_max"]), 1)) -
                               m["first"] if inp > 0 else 0.0)
        w_q = wait if closed else _wait_quantile(wait, m["p_wait"], p)
        # the prefill queue: P(wait > 0) = ρ_p, exponential tail (its mean, Kingman's, is in ttft_svc)
        w_p = _wait_quantile(m["kingman"], m["rho_p"], p) - m["kingman"]
        res[f"ttft_p{pct}"] = svc + w_q + w_p
        res[f"e2e_p{pct}"] = res[f"ttft_p{pct}"] + (max(o_p, 1.0) - 1.0) * tpot
    p = slo.percentile
    meets = (res[f"ttft_p{p}"] <= slo.ttft_s) & (res[f"tpot_p{p}"] <= slo.tpot_s) & m["stable"]
    good = x * _share_meeting(res, m, slo, closed)
    r = m["r"]
    # what the steps spend most of their time on: prompt-chunk steps, or decode-only steps
    chunk_time = m["q"] * m["mix"] > (1 - m["q"]) * m["dec"]
    bound = np.where(chunk_time, step_bound(r, m["p_m"], m["n_seen"], m["ctx"]),
                     step_bound(r, 0 * x, np.maximum(m["n_seen"], 1.0), m["ctx"]))
    admission = (m["running"] >= m["cap"] * 0.999) | ~m["stable"] & (m["rho_p"] < 0.999)
    cap_idx = BINDING_LIMITS.index(m["cap_limit"])
    limit = np.where(admission, cap_idx, np.where(bound == 1, 2, 3))
    sch_blocks = max(sch.kv_blocks, 1)
    kv_occ = np.minimum(m["running"] * sch.blocks_for(m["ctx"]) / sch_blocks, 1.0)
    knee_ = _knee_from(s, res["loads"], meets, limit, m)
    return ServingCurve(
        load_kind=s.load_kind, **{k: np.asarray(v, dtype=np.float64) for k, v in res.items()},
        output_tokens_per_s=x * out, requests_per_s=x, goodput_requests_per_s=good, mean_running=m["running"],
        kv_occupancy=kv_occ, queue_length=m["queue"], step_s=m["tau"], meets_slo=meets, limit=limit.astype(int),
        knee=knee_, capacity_requests=m["cap"], binding_limit=knee_.binding_limit)


def _share_meeting(res, m, slo, closed) -> np.ndarray:
    """Share of requests meeting both targets (TTFT: atom + exponential tail; TPOT: normal)."""
    from statistics import NormalDist
    svc, wait, pw = res["ttft_s"] - m["w_adm"], m["w_adm"], m["p_wait"]
    slack = slo.ttft_s - svc
    if closed:
        p_ttft = (svc + wait <= slo.ttft_s).astype(float)
    else:
        mean_c = np.where(pw > 0, wait / np.maximum(pw, 1e-12), 0.0)
        tail = pw * np.exp(-np.maximum(slack, 0) / np.maximum(mean_c, 1e-300))
        p_ttft = np.where(slack < 0, 0.0, np.where(np.isfinite(wait), 1 - tail, 0.0))
    sig = np.maximum(res["tpot_p90"] - res["tpot_s"], 0) / 1.2815516
    z = (slo.tpot_s - res["tpot_s"]) / np.maximum(sig, 1e-12)
    p_tpot = np.vectorize(lambda v: NormalDist().cdf(max(min(v, 40.0), -40.0)))(z) if z.size else z
    return p_ttft * p_tpot


def _knee_from(s: Scenario, loads, meets, limit, m) -> Knee:
    """The knee on the curve's own grid, refined by :func:`knee` when asked directly."""
    ok = np.nonzero(meets)[0]
    if ok.size == 0:
        return Knee(0.0, BINDING_LIMITS[int(limit[0])])
    i = int(ok.max())
    nxt = min(i + 1, len(loads) - 1)
    return Knee(float(loads[i]), BINDING_LIMITS[int(limit[nxt])])


def saturation(s: Scenario) -> tuple[float, float]:
    """(admission capacity in requests, the request rate at which it saturates, requests/s)."""
    sch = scheduler(s)
    wl, _, _ = from_scenario(s)
    cap, _ = sch.capacity(wl.input_mean + wl.output_mean)
    closed = s.with_(load_kind="concurrency", load=float(max(cap, 1)), think_s=0.0)
    m = solve(closed, np.array([float(max(cap, 1))]), sch)
    return float(cap), float(m["x"][0])


def default_loads(s: Scenario, points: int = 64) -> np.ndarray:
    cap, rate = saturation(s)
    if s.load_kind == "concurrency":
        hi = max(4.0 * max(cap, 1.0), 8.0)
        return np.unique(np.rint(np.geomspace(1.0, hi, points)))
    return np.linspace(0.01, 1.5, points) * max(rate, 1e-6)


def knee(s: Scenario) -> Knee:
    """Highest load meeting the target: a coarse grid, then a fine one inside the bracket."""
    grid = default_loads(s, 64)
    c = curve(s, grid)
    ok = np.nonzero(c.meets_slo)[0]
    if ok.size == 0:
        return c.knee
    i = int(ok.max())
    if i == len(grid) - 1:
        return c.knee
    lo, hi = grid[i], grid[i + 1]
    fine = np.unique(np.rint(np.linspace(lo, hi, 64))) if s.load_kind == "concurrency" else np.linspace(lo, hi, 64)
    c2 = curve(s, fine)
    ok2 = np.nonzero(c2.meets_slo)[0]
    j = int(ok2.max()) if ok2.size else 0
    return Knee(float(fine[j]), BINDING_LIMITS[int(c2.limit[min(j + 1, len(fine) - 1)])])
