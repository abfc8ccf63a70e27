"""Time, throughput, fit and cost of a Scenario — built from compute, memory, roofline,
parallel and cost. Vectorized helpers (``decode_step_time``, ``prefill_time``,
``mean_decode_step_time``) are what plots and sweeps call; :func:`estimate` is one point.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from . import compute, cost, memory, parallel, roofline
from .resolved import Resolved, resolve
from .scenario import Scenario

BOUND_NAMES = roofline.BOUNDS
MEAN_SAMPLES = 129  # generation steps sampled per mean (exact when generate ≤ this)


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _decode_terms(r: Resolved, t: np.ndarray, batch: np.ndarray) -> tuple:
    """Per-sequence FLOPs and KV bytes (shaped like t), weight bytes and link time (shaped like
    batch) of one decode step. Kept apart so a context × batch grid costs only the final
    broadcasts — the 10⁶-point sweep depends on it."""
    s = r.scenario
    m = s.model
    if s.kv_cache:
        seq_flops = compute.decode_step_flops(m, t)
        if m.attention == "linear":
            seq_kv = 2.0 * m.state_elements * r.kv.bytes_per_value + 0 * t
        else:
            seq_kv = memory.kv_cache_bytes(m, r.kv, t) + memory.kv_bytes_per_token(m, r.kv)
        w_bytes = memory.weight_bytes_read(m, r.weights, batch)
    else:
        # Re-run the whole prefix: all t+1 positions flow through every matrix again.
        seq_flops = compute.decode_step_flops_no_cache(m, t)
        seq_kv = np.zeros_like(t)
        w_bytes = memory.weight_bytes_read(m, r.weights, batch * (t + 1))
    comm = parallel.comm_time(s.parallel, m.layers, m.d_model, batch, s.devices,
                              r.activation_bytes, r.link_bandwidth or 1.0, r.link_latency)
    return seq_flops, seq_kv, w_bytes, comm


def _rates(r: Resolved, stream: float) -> tuple[float, float, float]:
    """Effective FLOP/s, weight-stream B/s and KV B/s on the critical path."""
    split = parallel.work_divisor(r.scenario.parallel, r.scenario.devices)
    bw = r.bandwidth * r.eta_memory * split
    return r.peak_flops * r.eta_compute * split, bw * stream, bw


def decode_step_time(r: Resolved, t, batch=None) -> np.ndarray:
    """Seconds for one decode step at context t (vectorized; the lean path of decode_step_parts)."""
    batch = _f(r.scenario.batch if batch is None else batch)
    seq_flops, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    rate, w_bw, kv_bw = _rates(r, r.weights.stream_efficiency)
    tc = batch * (seq_flops / rate)
    tm = w_bytes / w_bw + batch * (seq_kv / kv_bw)
    return np.maximum(tc, tm) + comm


def decode_step_parts(r: Resolved, t, batch=None) -> dict[str, np.ndarray]:
    """FLOPs, bytes, time and bound of one decode step at context t (all devices)."""
    batch = _f(r.scenario.batch if batch is None else batch)
    seq_flops, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    flops, kv_bytes = batch * seq_flops, batch * seq_kv
    w_bytes = w_bytes + 0 * kv_bytes
    return _timed(r, flops, w_bytes, kv_bytes, comm, r.weights.stream_efficiency)


def prefill_parts(r: Resolved, n, batch=None) -> dict[str, np.ndarray]:
    s = r.scenario
    batch = _f(s.batch if batch is None else batch)
    n = _f(n)
    flops = compute.prefill_flops(s.model, n, batch)
    w_bytes = memory.weight_bytes_read(s.model, r.weights, n * batch)
    kv_bytes = memory.kv_cache_bytes(s.model, r.kv, n, batch)
    comm = parallel.comm_time(s.parallel, s.model.layers, s.model.d_model, n * batch, s.devices,
                              r.activation_bytes, r.link_bandwidth or 1.0, r.link_latency)
    # Large prefill matmuls dequantize once per tile: no streaming penalty for block formats.
    return _timed(r, flops, w_bytes, kv_bytes, comm, 1.0)


def _timed(r: Resolved, flops, w_bytes, kv_bytes, comm, stream: float) -> dict[str, np.ndarray]:
    rate, w_bw, kv_bw = _rates(r, stream)
    flops, w_bytes, kv_bytes, comm = np.broadcast_arrays(_f(flops), _f(w_bytes), _f(kv_bytes), _f(comm))
    mem_time = w_bytes / w_bw + kv_bytes / kv_bw
    time, bound = roofline.step_time(flops, rate, mem_time, comm)
    return {"flops": flops, "bytes": w_bytes + kv_bytes, "weights_bytes": w_bytes, "kv_bytes": kv_bytes,
            "time": time, "bound": bound, "compute_time": flops / rate, "memory_time": mem_time,
            "comm_time": comm}


def prefill_time(r: Resolved, n, batch=None) -> np.ndarray:
    n = _f(n)
    return np.where(n > 0, prefill_parts(r, n, batch)["time"], 0.0)


def _generation_grid(prompt, generate) -> tuple[np.ndarray, np.ndarray]:
    """Sample contexts t ∈ [p, p+m-1] and trapezoid weights that average over them."""
    p, m = np.broadcast_arrays(_f(prompt), _f(generate))
    k = np.linspace(0.0, 1.0, MEAN_SAMPLES)
    span = np.maximum(m - 1, 0)[..., None]
    exact = (m <= MEAN_SAMPLES)[..., None]
    idx = np.arange(MEAN_SAMPLES, dtype=np.float64)
    t = np.where(exact, p[..., None] + idx, p[..., None] + np.round(k * span))
    w_exact = (idx < m[..., None]).astype(np.float64)
    w_trap = np.full(MEAN_SAMPLES, 1.0)
    w_trap[[0, -1]] = 0.5
    w = np.where(exact, w_exact, w_trap)
    w = w / np.maximum(w.sum(axis=-1, keepdims=True), 1e-300)
    return t, w


def mean_decode(r: Resolved, prompt, generate, batch=None) -> dict[str, np.ndarray]:
    """Average step time, FLOPs and bytes over generating ``generate`` tokens from ``prompt``.

    Exact for up to MEAN_SAMPLES steps; beyond that a trapezoid over evenly spaced steps
    (the step cost is piecewise linear in t, so the error is far below 0.1 %).
    """
    t, w = _generation_grid(prompt, generate)
    if batch is not None:
        batch = _f(batch)[..., None]
    parts = decode_step_parts(r, t, batch)
    out = {k: (parts[k] * w).sum(axis=-1) for k in ("time", "flops", "bytes", "compute_time", "memory_time", "comm_time")}
    # The bound that holds for most of the generation:
    out["bound"] = np.round((parts["bound"] * w).sum(axis=-1)).astype(int)
    return out


@dataclass(frozen=True)
class Estimate:
    params_total: int
    params_active: int
    weight_bytes: float
    kv_cache_bytes: float
    kv_bytes_per_token: float
    memory_needed_per_device: float
    memory_usable_per_device: float
    fits: bool
    max_batch: int
    ttft_s: float
    prefill_tokens_per_s: float | None
    tpot_s: float | None
    decode_tokens_per_s: float | None
    total_tokens_per_s: float | None
    bound: str
    prefill_bound: str
    arithmetic_intensity: float
    ridge_intensity: float
    bytes_per_token: float
    flops_per_token: float
    energy_j_per_token: float
    usd_per_million_tokens: float | None
    relationships_per_forward: float
    peak_key: str
    eta_compute: float
    eta_memory: float

    def to_dict(self) -> dict:
        return asdict(self)


def estimate(s: Scenario) -> Estimate:
    r = resolve(s)
    m = s.model
    context = s.prompt + s.generate
    w_bytes = memory.weight_bytes(m, r.weights)
    kv_total = float(memory.kv_cache_bytes(m, r.kv, context, s.batch))
    kv_per_seq = float(memory.kv_cache_bytes(m, r.kv, context, 1))
    need = float(memory.memory_needed(w_bytes, kv_total, r.reserve_bytes, s.devices))

    pre = prefill_parts(r, max(s.prompt, 1))
    ttft = float(pre["time"]) if s.prompt > 0 else float(decode_step_time(r, 0))
    dec = mean_decode(r, s.prompt, s.generate) if s.generate > 0 else None
    tpot = float(dec["time"]) if dec else None
    if dec:
        intensity = float(dec["flops"] / dec["bytes"])
        bound = BOUND_NAMES[int(dec["bound"])]
    else:
        intensity = float(pre["flops"] / pre["bytes"])
        bound = BOUND_NAMES[int(pre["bound"])]

    total_time = ttft + (s.generate * tpot if tpot else 0.0)
    tokens_out = s.batch * (s.generate if s.generate > 0 else s.prompt)
    energy = cost.energy_joules(s.devices, s.hardware.tdp_w, total_time)
    money = cost.usd(s.devices, r.price_per_hour, total_time)
    return Estimate(
        params_total=m.params_total,
        params_active=m.params_active,
        weight_bytes=w_bytes,
        kv_cache_bytes=kv_total,
        kv_bytes_per_token=memory.kv_bytes_per_token(m, r.kv),
        memory_needed_per_device=need,
        memory_usable_per_device=r.usable_bytes,
        fits=need <= r.usable_bytes,
        max_batch=memory.max_batch(r.usable_bytes, w_bytes, r.reserve_bytes, kv_per_seq, s.devices),
        ttft_s=ttft,
        prefill_tokens_per_s=(s.batch * s.prompt / ttft) if s.prompt > 0 else None,
        tpot_s=tpot,
        decode_tokens_per_s=(1.0 / tpot) if tpot else None,
        total_tokens_per_s=(s.batch / tpot) if tpot else None,
        bound=bound,
        prefill_bound=BOUND_NAMES[int(pre["bound"])],
        arithmetic_intensity=intensity,
        ridge_intensity=r.ridge_intensity,
        bytes_per_token=float(dec["bytes"] / s.batch) if dec else float(pre["bytes"] / max(s.batch * s.prompt, 1)),
        flops_per_token=float(dec["flops"] / s.batch) if dec else float(pre["flops"] / max(s.batch * s.prompt, 1)),
        energy_j_per_token=energy / tokens_out,
        usd_per_million_tokens=cost.per_million(money, tokens_out),
        relationships_per_forward=float(compute.relationships_per_forward(m, context)),
        peak_key=r.peak_key,
        eta_compute=r.eta_compute,
        eta_memory=r.eta_memory,
    )
