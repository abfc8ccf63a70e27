"""The vectorized pass functions: one decode pass, one prefill pass, the first token and the mean
decode over a generation, built from compute, memory, roofline and parallel. Every argument
broadcasts (contexts × batches × devices), which is what plots, sweeps and the device comparison
call; they take a :class:`Resolved` or a ``ResolvedStack`` alike (``Resolution``).

One point's :func:`estimate.estimate` runs the scalar twin of these in ``point.py``; a test holds
the two equal over random scenarios.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from explorer.core.engine.resolved import Resolution
from explorer.core.physics import flops, memory, parallel, roofline
from explorer.core.state.scenario import Scenario

BOUND_NAMES = roofline.BOUNDS
MEAN_SAMPLES = 129  # generation steps sampled per mean (exact when generate ≤ this)


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _decode_terms(r: Resolution, t: np.ndarray, batch: np.ndarray) -> tuple:
    """Per-sequence matmul FLOPs, attention FLOPs and KV bytes (shaped like t), weight bytes and
    link time (shaped like batch) of one decode pass; ``batch`` is the sequences in that pass
    (see ``_pass``). Kept apart so a context × batch grid costs only the final broadcasts — the
    10⁶-point sweep depends on it."""
    s = r.scenario
    m = s.model
    if s.kv_cache:
        seq_attn = flops.attention_flops_decode(m, t)
        seq_flops = flops.decode_step_flops(m, t) - seq_attn
        if m.attention == "linear":
            seq_kv = 2.0 * memory.state_bytes(m, r.kv) + 0 * t  # read and rewritten every step
        else:
            seq_kv = memory.kv_cache_bytes(m, r.kv, t) + memory.kv_bytes_per_token(m, r.kv)
        w_bytes = memory.weight_bytes_read(m, r.weights, batch)
    else:
        # Re-run the whole prefix: all t+1 positions flow through every matrix again.
        seq_flops = flops.decode_step_flops_no_cache(m, t)
        seq_attn = seq_kv = np.zeros_like(t)
        w_bytes = memory.weight_bytes_read(m, r.weights, batch * (t + 1))
    tokens = batch if s.kv_cache else batch * (t + 1)  # activations sent between devices
    comm = parallel.comm_time(s.parallel, m.layers, m.d_model, tokens, s.devices,
                              r.activation_bytes, r.link, r.link_latency, r.oneshot_latency)
    comm = comm + moe_link_time(r, tokens)
    return seq_flops, seq_attn, seq_kv, w_bytes, comm


def expert_all_to_all(r: Resolution) -> bool:
    """Whether the runtime runs this scenario's MoE layers expert-parallel (tensor layout)."""
    s = r.scenario
    return bool(r.runtime.moe_all_to_all and s.model.is_moe and s.parallel == "tensor" and not r.runtime.ideal)


def moe_link_time(r: Resolution, tokens) -> np.ndarray:
    """Link time expert parallelism adds to a pass over ``tokens`` tokens (0 unless the runtime
    runs MoE layers expert-parallel: two all-to-alls per MoE layer in place of its all-reduce)."""
    s, m = r.scenario, r.scenario.model
    if not expert_all_to_all(r):
        return np.zeros_like(_f(tokens))
    return parallel.moe_alltoall_extra(m.moe_layers, m.d_model, m.active_experts, tokens, s.devices,
                                       r.activation_bytes, r.link, r.link_latency, r.oneshot_latency)


def _pass(r: Resolution, batch) -> np.ndarray:
    """Sequences per forward pass (pipeline decode runs min(N, B) micro-batches)."""
    s = r.scenario
    return parallel.pass_batch(s.parallel, s.devices, _f(s.batch if batch is None else batch))


def _rates(r: Resolution, stream: float) -> tuple[float, float, float]:
    """Effective FLOP/s, weight-stream B/s and KV B/s on the critical path; ``stream`` is the
    weight format's share of the FP16 kernel's bandwidth (dequantization, runtime profile)."""
    s = r.scenario
    split = parallel.work_divisor(s.parallel, s.devices)
    bw = r.bandwidth * r.eta_memory
    kv_split = parallel.kv_time_divisor(s.parallel, s.devices, s.model.kv_shards)
    return r.peak_flops * r.eta_compute * split, bw * split * stream, bw * kv_split * r.kv_read


def decode_step_time(r: Resolution, t, batch=None) -> np.ndarray:
    """Seconds per generated token of each sequence at context t (one decode pass; vectorized,
    the lean path of decode_step_parts).

    The weight matmuls and the attention are separate kernels run one after the other, each
    bound by its own roof: max(matmul FLOPs / rate, weight bytes / bandwidth) + max(attention
    FLOPs / (rate · attention share), KV bytes / bandwidth) + link time + the runtime's fixed cost
    per pass (the attention share is below 1 where the attention kernel's instructions bind)."""
    batch = _pass(r, batch)
    seq_flops, seq_attn, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    rate, w_bw, kv_bw = _rates(r, r.decode_format)
    gemm = np.maximum(batch * (seq_flops / rate), w_bytes / w_bw)
    attn = batch * np.maximum(seq_attn / (rate * r.attn_share), seq_kv / kv_bw)
    return gemm + attn + comm + r.decode_overhead + r.seq_overhead * batch


def decode_step_parts(r: Resolution, t, batch=None) -> dict[str, np.ndarray]:
    """FLOPs, bytes, time and bound of one decode pass at context t (all devices)."""
    batch = _pass(r, batch)
    seq_flops, seq_attn, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    rate, w_bw, kv_bw = _rates(r, r.decode_format)
    mm_flops, attn_flops, kv_bytes = batch * seq_flops, batch * seq_attn, batch * seq_kv
    mm_flops, attn_flops, kv_bytes, w_bytes, comm = np.broadcast_arrays(mm_flops, attn_flops, kv_bytes,
                                                                        _f(w_bytes), _f(comm))
    tc_mm, tc_attn = mm_flops / rate, attn_flops / (rate * r.attn_share)
    tw, tkv = w_bytes / w_bw, kv_bytes / kv_bw
    work = np.maximum(tc_mm, tw) + np.maximum(tc_attn, tkv)
    compute_time, memory_time = tc_mm + tc_attn, tw + tkv
    bound = np.where(compute_time > memory_time, 1, 0)
    bound = np.where(comm > work, 2, bound)
    overhead = r.decode_overhead + r.seq_overhead * batch + 0 * work
    return {"flops": mm_flops + attn_flops, "bytes": w_bytes + kv_bytes, "weights_bytes": w_bytes,
            "kv_bytes": kv_bytes, "time": work + comm + overhead, "bound": bound, "compute_time": compute_time,
            "memory_time": memory_time, "comm_time": comm, "overhead_time": overhead}


def prefill_parts(r: Resolution, n, batch=None) -> dict[str, np.ndarray]:
    """One prefill pass over n prompt tokens of each sequence in the pass."""
    s = r.scenario
    batch = _pass(r, batch)
    n = _f(n)
    work = flops.prefill_flops(s.model, n, batch)
    w_bytes = memory.weight_bytes_read(s.model, r.weights, n * batch)
    kv_bytes = memory.kv_cache_bytes(s.model, r.kv, n, batch)
    comm = parallel.comm_time(s.parallel, s.model.layers, s.model.d_model, n * batch, s.devices,
                              r.activation_bytes, r.link, r.link_latency, r.oneshot_latency)
    # GEMMs over few tokens under-fill the tiles (runtime's M½); quantized weights are
    # dequantized per tile (the runtime's prefill format factor).
    tokens = n * batch
    rate_scale = tokens / (tokens + r.gemm_half) * r.prefill_format
    # Materialised attention writes the n×n scores and reads them back (memory-bound, serial).
    # A dequantize-then-matmul runtime first copies each quantized matrix to FP16 (serial, memory-bound).
    rates = _rates(r, 1.0)
    extra = r.prefill_overhead + _score_traffic(r, n, batch) / rates[2] + r.dequant_bytes / rates[1]
    return _timed(r, work, w_bytes, kv_bytes, comm, 1.0, rate_scale, extra)


def _score_traffic(r: Resolution, n, batch) -> np.ndarray:
    """Bytes of the attention-score matrix a materialising runtime moves in one prefill: FP32
    scores of every head and layer, written and re-read (softmax, ·V) ``score_passes`` times in
    all. The prompt goes in chunks of c tokens, each scored (masked, not skipped) against every key
    so far: n·(n + c)/2 pairs — n² for a prompt of one chunk, ≈ n²/2 for long ones; sliding layers
    at most W + c keys per query. Zero with flash attention (the scores stay on chip)."""
    m = r.scenario.model
    n = _f(n)
    c = np.minimum(n, r.score_chunk)
    full = n * (n + c) / 2
    pairs = m.global_layers * full
    if m.sliding_layers:
        pairs = pairs + m.sliding_layers * np.minimum(full, n * (m.window + c))
    return r.score_passes * 4.0 * m.heads * pairs * _f(batch)


def _timed(r: Resolution, flops, w_bytes, kv_bytes, comm, stream: float, rate_scale=1.0,
           extra=0.0) -> dict[str, np.ndarray]:
    peak_rate, w_bw, kv_bw = _rates(r, stream)
    rate = peak_rate * _f(rate_scale)
    flops, w_bytes, kv_bytes, comm = np.broadcast_arrays(_f(flops), _f(w_bytes), _f(kv_bytes), _f(comm))
    mem_time = w_bytes / w_bw + kv_bytes / kv_bw
    time, bound = roofline.step_time(flops, rate, mem_time, comm)
    overhead = _f(extra) + 0 * time
    return {"flops": flops, "bytes": w_bytes + kv_bytes, "weights_bytes": w_bytes, "kv_bytes": kv_bytes,
            "time": time + overhead, "bound": bound, "compute_time": flops / rate, "memory_time": mem_time,
            "comm_time": comm, "overhead_time": overhead}


def first_token(r: Resolution) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Time to first token and the prefill pass behind it: until every sequence of the batch
    has its first token (pipeline: fill and drain); with no prompt, the first decode pass.
    Works on a single resolution or a ``resolved.stack`` of devices alike."""
    s = r.scenario
    pre = prefill_parts(r, max(s.prompt, 1))
    if s.prompt > 0:
        return pre["time"] * parallel.pipeline_fill(s.parallel, s.devices, s.batch), pre
    return decode_step_time(r, 0), pre


def sequences_per_pass(s: Scenario) -> float:
    """Sequences served by one forward pass: the batch, or a pipeline's micro-batch."""
    return float(parallel.pass_batch(s.parallel, s.devices, s.batch))


def generation_grid(prompt, generate) -> tuple[np.ndarray, np.ndarray]:
    """Sample contexts t ∈ [p, p+m-1] and trapezoid weights that average over them."""
    if np.ndim(prompt) == 0 and np.ndim(generate) == 0:
        return _scalar_grid(float(prompt), float(generate))
    return _grid(prompt, generate)


@lru_cache(maxsize=64)
def _scalar_grid(prompt: float, generate: float) -> tuple[np.ndarray, np.ndarray]:
    t, w = _grid(prompt, generate)
    t.flags.writeable = w.flags.writeable = False  # shared by every caller: read-only
    return t, w


def _grid(prompt, generate) -> tuple[np.ndarray, np.ndarray]:
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


def mean_decode(r: Resolution, prompt, generate, batch=None) -> dict[str, np.ndarray]:
    """Average step time, FLOPs and bytes over generating ``generate`` tokens from ``prompt``.

    Exact for up to MEAN_SAMPLES steps; beyond that a trapezoid over evenly spaced steps
    (the step cost is piecewise linear in t, so the error is far below 0.1 %).
    """
    t, w = generation_grid(prompt, generate)
    if batch is not None:
        batch = _f(batch)[..., None]
    parts = decode_step_parts(r, t, batch)
    out = {k: (parts[k] * w).sum(axis=-1) for k in ("time", "flops", "bytes", "comm_time")}
    # The bound that holds for the largest share of the generation's steps:
    share = np.stack([(w * (parts["bound"] == k)).sum(axis=-1) for k in range(len(BOUND_NAMES))])
    out["bound"] = share.argmax(axis=0)
    out["pass_batch"] = _pass(r, None if batch is None else batch[..., 0])
    return out
