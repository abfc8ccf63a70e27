"""Time, throughput, fit and cost of a Scenario — built from compute, memory, roofline,
parallel and cost. Vectorized helpers (``decode_step_time``, ``decode_step_parts``,
``prefill_parts``, ``mean_decode``, ``first_token``) are what plots and sweeps call;
:func:`estimate` is one point.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from explorer.core.engine.resolved import Resolved, resolve
from explorer.core.physics import cost, flops, memory, parallel, roofline
from explorer.core.specs.runtime import Runtime
from explorer.core.state.scenario import Scenario

BOUND_NAMES = roofline.BOUNDS
MEAN_SAMPLES = 129  # generation steps sampled per mean (exact when generate ≤ this)


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _decode_terms(r: Resolved, t: np.ndarray, batch: np.ndarray) -> tuple:
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
                              r.activation_bytes, r.link, r.link_latency)
    comm = comm + moe_link_time(r, tokens)
    return seq_flops, seq_attn, seq_kv, w_bytes, comm


def moe_link_time(r: Resolved, tokens) -> np.ndarray:
    """Link time expert parallelism adds to a pass over ``tokens`` tokens (0 unless the runtime
    runs MoE layers expert-parallel: two all-to-alls per MoE layer in place of its all-reduce)."""
    s, m = r.scenario, r.scenario.model
    if not (r.runtime.moe_all_to_all and m.is_moe and s.parallel == "tensor") or r.runtime.ideal:
        return np.zeros_like(_f(tokens))
    return parallel.moe_alltoall_extra(m.moe_layers, m.d_model, m.active_experts, tokens, s.devices,
                                       r.activation_bytes, r.link, r.link_latency)


def _pass(r: Resolved, batch) -> np.ndarray:
    """Sequences per forward pass (pipeline decode runs min(N, B) micro-batches)."""
    s = r.scenario
    return parallel.pass_batch(s.parallel, s.devices, _f(s.batch if batch is None else batch))


def _rates(r: Resolved, stream: float) -> tuple[float, float, float]:
    """Effective FLOP/s, weight-stream B/s and KV B/s on the critical path; ``stream`` is the
    weight format's share of the FP16 kernel's bandwidth (dequantization, runtime profile)."""
    s = r.scenario
    split = parallel.work_divisor(s.parallel, s.devices)
    bw = r.bandwidth * r.eta_memory
    kv_split = parallel.kv_time_divisor(s.parallel, s.devices, s.model.kv_shards)
    return r.peak_flops * r.eta_compute * split, bw * split * stream, bw * kv_split * r.kv_read


def decode_step_time(r: Resolved, t, batch=None) -> np.ndarray:
    """Seconds per generated token of each sequence at context t (one decode pass; vectorized,
    the lean path of decode_step_parts).

    The weight matmuls and the attention are separate kernels run one after the other, each
    bound by its own roof: max(matmul FLOPs / rate, weight bytes / bandwidth) + max(attention
    FLOPs / rate, KV bytes / bandwidth) + link time + the runtime's fixed cost per pass."""
    batch = _pass(r, batch)
    seq_flops, seq_attn, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    rate, w_bw, kv_bw = _rates(r, r.decode_format)
    gemm = np.maximum(batch * (seq_flops / rate), w_bytes / w_bw)
    attn = batch * np.maximum(seq_attn / rate, seq_kv / kv_bw)
    return gemm + attn + comm + r.decode_overhead + r.seq_overhead * batch


def decode_step_parts(r: Resolved, t, batch=None) -> dict[str, np.ndarray]:
    """FLOPs, bytes, time and bound of one decode pass at context t (all devices)."""
    batch = _pass(r, batch)
    seq_flops, seq_attn, seq_kv, w_bytes, comm = _decode_terms(r, _f(t), batch)
    rate, w_bw, kv_bw = _rates(r, r.decode_format)
    mm_flops, attn_flops, kv_bytes = batch * seq_flops, batch * seq_attn, batch * seq_kv
    mm_flops, attn_flops, kv_bytes, w_bytes, comm = np.broadcast_arrays(mm_flops, attn_flops, kv_bytes,
                                                                        _f(w_bytes), _f(comm))
    tc_mm, tc_attn = mm_flops / rate, attn_flops / rate
    tw, tkv = w_bytes / w_bw, kv_bytes / kv_bw
    work = np.maximum(tc_mm, tw) + np.maximum(tc_attn, tkv)
    compute_time, memory_time = tc_mm + tc_attn, tw + tkv
    bound = np.where(compute_time > memory_time, 1, 0)
    bound = np.where(comm > work, 2, bound)
    overhead = r.decode_overhead + r.seq_overhead * batch + 0 * work
    return {"flops": mm_flops + attn_flops, "bytes": w_bytes + kv_bytes, "weights_bytes": w_bytes,
            "kv_bytes": kv_bytes, "time": work + comm + overhead, "bound": bound, "compute_time": compute_time,
            "memory_time": memory_time, "comm_time": comm, "overhead_time": overhead}


def prefill_parts(r: Resolved, n, batch=None) -> dict[str, np.ndarray]:
    """One prefill pass over n prompt tokens of each sequence in the pass."""
    s = r.scenario
    batch = _pass(r, batch)
    n = _f(n)
    work = flops.prefill_flops(s.model, n, batch)
    w_bytes = memory.weight_bytes_read(s.model, r.weights, n * batch)
    kv_bytes = memory.kv_cache_bytes(s.model, r.kv, n, batch)
    comm = parallel.comm_time(s.parallel, s.model.layers, s.model.d_model, n * batch, s.devices,
                              r.activation_bytes, r.link, r.link_latency)
    comm = comm + moe_link_time(r, n * batch)
    # GEMMs over few tokens under-fill the tiles (runtime's M½); quantized weights are
    # dequantized per tile (the runtime's prefill format factor).
    tokens = n * batch
    rate_scale = tokens / (tokens + r.gemm_half) * r.prefill_format
    # Materialised attention writes the n×n scores and reads them back (memory-bound, serial).
    # A dequantize-then-matmul runtime first copies each quantized matrix to FP16 (serial, memory-bound).
    rates = _rates(r, 1.0)
    extra = r.prefill_overhead + _score_traffic(r, n, batch) / rates[2] + r.dequant_bytes / rates[1]
    return _timed(r, work, w_bytes, kv_bytes, comm, 1.0, rate_scale, extra)


def _score_traffic(r: Resolved, n, batch) -> np.ndarray:
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


def _timed(r: Resolved, flops, w_bytes, kv_bytes, comm, stream: float, rate_scale=1.0,
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


def first_token(r: Resolved) -> tuple[np.ndarray, dict[str, np.ndarray]]:
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


def _generation_grid(prompt, generate) -> tuple[np.ndarray, np.ndarray]:
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


def mean_decode(r: Resolved, prompt, generate, batch=None) -> dict[str, np.ndarray]:
    """Average step time, FLOPs and bytes over generating ``generate`` tokens from ``prompt``.

    Exact for up to MEAN_SAMPLES steps; beyond that a trapezoid over evenly spaced steps
    (the step cost is piecewise linear in t, so the error is far below 0.1 %).
    """
    t, w = _generation_grid(prompt, generate)
    if batch is not None:
        batch = _f(batch)[..., None]
    parts = decode_step_parts(r, t, batch)
    out = {k: (parts[k] * w).sum(axis=-1) for k in ("time", "flops", "bytes", "comm_time")}
    # The bound that holds for the largest share of the generation's steps:
    share = np.stack([(w * (parts["bound"] == k)).sum(axis=-1) for k in range(len(BOUND_NAMES))])
    out["bound"] = share.argmax(axis=0)
    out["pass_batch"] = _pass(r, None if batch is None else batch[..., 0])
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
    total_tokens_per_s: float | None  # decode only: batch ÷ time per token
    output_tokens_per_s: float | None  # whole job: batch · generate ÷ (prefill + every decode step)
    bound: str
    prefill_bound: str
    arithmetic_intensity: float
    ridge_intensity: float  # where the achievable (η) roofs meet
    peak_ridge_intensity: float  # data-sheet peak FLOP/s ÷ peak bandwidth
    bytes_per_token: float
    flops_per_token: float
    interconnect_s_per_step: float
    energy_j_per_token: float
    usd_per_million_tokens: float | None
    relationships_per_forward: float
    peak_key: str
    eta_compute: float
    eta_memory: float
    runtime: str = ""
    warnings: tuple[str, ...] = ()  # things a person must know before trusting the figures

    def to_dict(self) -> dict:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


def scenario_warnings(s: Scenario, rt: Runtime) -> tuple[str, ...]:
    """Plain warnings about a valid scenario that runs outside what its figures mean (``rt``: the
    runtime the estimate already resolved)."""
    out = []
    context = s.prompt + s.generate
    if context > s.model.max_context:
        out.append(f"prompt + generation = {context:,} tokens exceeds {s.model.name}'s trained context of "
                   f"{s.model.max_context:,} tokens: the model was not trained for it (the cost figures still "
                   "follow the formulas)")
    out += [f"{p}: physics only, no such run exists"
            for p in rt.format_problems(s.weights, s.kv)]
    m = s.model
    if not rt.ideal and (m.is_mla or m.experts > 1):
        kind = "latent attention" if m.is_mla else "mixture of experts"
        out.append(f"{m.name} uses {kind}; the runtime profiles were calibrated on dense Llama-2 models only, "
                   "so its speeds are uncalibrated (its extra kernels per layer, the active experts' whole weights "
                   "and expert-parallel all-to-alls are counted; fused-MoE and block-FP8 kernels at one token per "
                   "expert run well below the bandwidth these profiles were fitted at, which is not modelled: "
                   "DeepSeek-V3 on 8×H200 at batch 1 comes out ~5× the published speed)")
    return tuple(out)


def estimate(s: Scenario) -> Estimate:
    """Everything the readouts and the CLI report for one scenario (the GUI computes it once
    per scenario through ``explorer.core.engine.results.Results``)."""
    return _estimate(s)


def saturated(s: Scenario) -> Scenario:
    """``s`` at the largest batch that fits in memory and the runtime will schedule (``--batch
    max``): every slot busy, run as one cohort (all prompts prefilled together)."""
    cap = resolve(s).runtime.max_batch
    fit = _estimate(s.with_(batch=1)).max_batch
    return s.with_(batch=max(1, min(fit, cap)))


def _estimate(s: Scenario) -> Estimate:
    r = resolve(s)
    m = s.model
    context = s.prompt + s.generate
    w_bytes = memory.weight_bytes(m, r.weights)
    # Without a KV cache nothing is cached: every step re-runs the prefix (no KV bytes anywhere).
    kv_on = 1.0 if s.kv_cache else 0.0
    kv_total = kv_on * float(memory.kv_cache_bytes(m, r.kv, context, s.batch))
    kv_per_seq = kv_on * float(memory.kv_cache_bytes(m, r.kv, context, 1))
    need = float(memory.memory_needed(w_bytes, kv_total, r.reserve_bytes, s.devices, r.kv_ways))

    ttft_s, pre = first_token(r)
    ttft = float(ttft_s)
    dec = mean_decode(r, s.prompt, s.generate) if s.generate > 0 else None
    tpot = float(dec["time"]) if dec else None
    seqs_per_pass = sequences_per_pass(s)
    if dec:
        intensity = float(dec["flops"] / dec["bytes"])
        bound = BOUND_NAMES[int(dec["bound"])]
        per_token_bytes, per_token_flops = float(dec["bytes"]) / seqs_per_pass, float(dec["flops"]) / seqs_per_pass
        comm = float(dec["comm_time"])
    else:
        intensity = float(pre["flops"] / pre["bytes"])
        bound = BOUND_NAMES[int(pre["bound"])]
        prompt_tokens = seqs_per_pass * max(s.prompt, 1)
        per_token_bytes, per_token_flops = float(pre["bytes"]) / prompt_tokens, float(pre["flops"]) / prompt_tokens
        comm = float(pre["comm_time"])

    # The first token arrives with the prefill; each further one costs a decode pass.
    total_time = ttft + (max(s.generate - 1, 0) * tpot if tpot else 0.0)
    tokens_out = s.batch * (s.generate if s.generate > 0 else s.prompt)
    energy = cost.energy_joules(s.devices, s.hardware.tdp_w, total_time)
    money = cost.usd(s.devices, r.price_per_hour, total_time)
    return Estimate(
        params_total=m.params_total,
        params_active=m.params_active,
        weight_bytes=w_bytes,
        kv_cache_bytes=kv_total,
        kv_bytes_per_token=kv_on * memory.kv_bytes_per_token(m, r.kv),
        memory_needed_per_device=need,
        memory_usable_per_device=r.usable_bytes,
        fits=need <= r.usable_bytes,
        max_batch=memory.max_batch(r.usable_bytes, w_bytes, r.reserve_bytes, kv_per_seq, s.devices, r.kv_ways),
        ttft_s=ttft,
        prefill_tokens_per_s=(s.batch * s.prompt / ttft) if s.prompt > 0 else None,
        tpot_s=tpot,
        decode_tokens_per_s=(1.0 / tpot) if tpot else None,
        total_tokens_per_s=(s.batch / tpot) if tpot else None,
        output_tokens_per_s=(s.batch * s.generate / total_time) if s.generate > 0 else None,
        bound=bound,
        prefill_bound=BOUND_NAMES[int(pre["bound"])],
        arithmetic_intensity=intensity,
        ridge_intensity=r.ridge_intensity,
        peak_ridge_intensity=r.peak_flops / r.bandwidth,
        bytes_per_token=per_token_bytes,
        flops_per_token=per_token_flops,
        interconnect_s_per_step=comm,
        energy_j_per_token=energy / tokens_out,
        usd_per_million_tokens=cost.per_million(money, tokens_out),
        relationships_per_forward=float(flops.relationships_per_forward(m, context)),
        peak_key=r.peak_key,
        eta_compute=r.eta_compute,
        eta_memory=r.eta_memory,
        runtime=r.runtime.id,
        warnings=scenario_warnings(s, r.runtime),
    )
