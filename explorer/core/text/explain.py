"""The formula inspector: how each readout is computed, every input with its value and source.

``explain(s)`` returns one :class:`Explanation` per readout; ``explain_text`` renders them as the
text `estimate --explain` prints and the GUI inspector shows (the same text, one place).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.core.engine import bands
from explorer.core.engine.estimate import decode_step_parts, estimate, prefill_parts
from explorer.core.engine.resolved import act_quant, resolve
from explorer.core.physics import dequant, kernels, memory, parallel
from explorer.core.physics.units import bandwidth, binary_bytes, duration, energy, money, rate, si, sig
from explorer.core.state.scenario import Scenario

KEYS = ("decode", "prefill", "output", "memory", "energy")


@dataclass(frozen=True)
class Input:
    name: str
    value: str
    source: str


@dataclass(frozen=True)
class Explanation:
    key: str
    title: str
    result: str
    formula: str
    substituted: str
    inputs: list[Input] = field(default_factory=list)
    band: str = ""
    calibration: str = ""  # how many rows calibrate this number, or why none do

    def text(self) -> str:
        lines = [f"{self.title}: {self.result}"]
        if self.calibration:
            lines.append(f"  calibration: {self.calibration}")
        if self.band:
            lines.append(f"  band: {self.band}  ({bands.TOOLTIP})")
        lines.append(f"  formula: {self.formula}")
        lines.append(f"         = {self.substituted}")
        if self.inputs:
            lines.append("  inputs:")
            width = max(len(i.name) for i in self.inputs)
            for i in self.inputs:
                lines.append(f"    {i.name:<{width}}  {i.value:>14}   [{i.source}]")
        return "\n".join(lines)


SOURCE_CHARS = 220


def _cut(text: str) -> str:
    return text if len(text) <= SOURCE_CHARS else text[:SOURCE_CHARS - 1].rsplit(" ", 1)[0] + " …"


def _hw_source(s: Scenario, key: str) -> str:
    hw = s.hardware
    return _cut(f"data sheet: {hw.sources.get(key) or hw.source or hw.name}")


def _peak_source(s: Scenario, r) -> str:
    if r.peak_key == "fp16_acc16":
        return ("data sheet: dense FP16 tensor rate with FP16 accumulation (hardware.toml fp16_acc16); "
                "llama.cpp's cuBLAS calls use CUBLAS_COMPUTE_16F, so this is the peak its matmuls run at")
    return _hw_source(s, "tflops")


def _rt_source(r, param: str) -> str:
    rt = r.runtime
    if rt.ideal:
        return "ideal runtime: η = 1, no overheads (the physical limit)"
    return _cut(f"runtime profile {rt.name}: {rt.sources.get(param, 'default of runtimes.toml (no cost)')}")


def effective_bits(s: Scenario, r) -> str:
    """'4.89 bits/weight effective (4.5 per block)': the weight file's size over the parameter
    count, which a mixed-type file (Q4_K_M's Q6_K tensors, 16-bit embeddings) puts above the
    format's own figure."""
    eff = memory.effective_bits_per_weight(s.model, r.weights)
    own = r.weights.bits_per_weight
    return f"{eff:.3g} bits" if abs(eff - own) < 0.005 else f"{eff:.3g} bits effective ({own:g} nominal)"


def _common(s: Scenario, r) -> list[Input]:
    return [
        Input("model", f"{s.model.params_total / 1e9:,.2f} B params", f"model preset: {s.model.source or s.model.name}"[:200]),
        Input("weight format", effective_bits(s, r), f"format: {r.weights.source}"[:200]),
        Input("peak bandwidth", bandwidth(r.bandwidth), _hw_source(s, "bandwidth_gbs")),
        Input(f"peak {r.peak_label}",
              si(r.peak_flops, "FLOP/s"), _peak_source(s, r)),
        Input("η memory", f"{r.eta_memory:.2f}", "set in the scenario" if s.eta_memory is not None
              else (_hw_source(s, "eta_memory") if s.hardware.eta_memory and not r.runtime.ideal
                    else _rt_source(r, "eta_memory"))),
        Input("η compute", f"{r.eta_compute:.2f}", "set in the scenario" if s.eta_compute is not None
              else _rt_source(r, "eta_compute")),
    ]


def _dequant_input(s: Scenario, r) -> list[Input]:
    """The mat-vec's unpacking instructions per byte, and whether they or the bytes set its time."""
    ops = r.runtime.decode_ops.get(s.weights)
    if r.runtime.ideal or not ops:
        return []
    per_byte = dequant.ops_per_byte(float(ops), r.weights.bits_per_weight)
    bound = "instruction-bound" if r.decode_format < r.runtime.format_factor(s.weights, "decode", r.weights.stream_efficiency) \
        else "hidden under the bytes"
    return [Input("dequantization", f"{per_byte:.1f} instructions/byte, {bound}", _rt_source(r, "decode_ops"))]


def _attention_input(r) -> list[Input]:
    """Decode attention's share of the matmul rate where the runtime counts its kernel's instructions."""
    if r.attn_share >= 1.0:
        return []
    return [Input("attention rate", f"{r.attn_share:.2f} of peak·η_c (kernel instructions per key)",
                  _rt_source(r, "decode_attn_ops_per_dim"))]


def _decode(s: Scenario, r, est, cov) -> Explanation:
    t = s.prompt + max(s.generate - 1, 0) / 2  # a representative step: the middle of the generation
    p = {k: float(v) for k, v in decode_step_parts(r, t).items()}
    split = parallel.work_divisor(s.parallel, s.devices)
    ins = _common(s, r) + [
        Input("format factor", f"{r.decode_format:.2f}", _rt_source(r, "decode_format")),
        *_dequant_input(s, r),
        *_attention_input(r),
        Input("quantized matmul", r.runtime.quantized_matmul, _rt_source(r, "quantized_matmul")),
        Input("fixed cost / pass", f"{duration(r.decode_overhead)} ({kernels.per_pass(s.model, r.runtime.attention == 'flash', act_quant(r.runtime, r.weights)):,.0f} kernels)",
              _rt_source(r, "decode_kernel_us")),
        Input("KV cache / token", binary_bytes(est.kv_bytes_per_token), f"model: 2·layers·kv_heads·head_dim × {r.kv.name}"),
    ]
    return Explanation(
        "decode", "Decode speed", f"{rate(est.decode_tokens_per_s)} per sequence ({duration(est.tpot_s)} per token)",
        "time per token = max(matmul FLOPs ÷ (peak·η_c), weight bytes ÷ (bandwidth·η_m·format factor)) "
        "+ max(attention FLOPs ÷ (peak·η_c·attention rate), KV bytes ÷ (bandwidth·η_m)) + link time + kernels × τ per pass",
        f"at context {t:,.0f} on {split} device(s): compute {duration(p['compute_time'])}, memory "
        f"{duration(p['memory_time'])} ({si(p['weights_bytes'], 'B')} weights + {si(p['kv_bytes'], 'B')} KV), link "
        f"{duration(p['comm_time'])}, fixed {duration(p['overhead_time'])} → {duration(p['time'])} per step; averaged over "
        f"the {s.generate:,} generated tokens: {duration(est.tpot_s)} → {rate(est.decode_tokens_per_s)}",
        ins, *_band(bands.speed(est.decode_tokens_per_s, cov), sig, " tokens/s", cov, "decode"))


def _prefill(s: Scenario, r, est, cov) -> Explanation:
    n = max(s.prompt, 1)
    p = {k: float(v) for k, v in prefill_parts(r, n).items()}
    tokens = n * s.batch
    gemm = tokens / (tokens + r.gemm_half) if r.gemm_half else 1.0
    ins = _common(s, r) + [
        Input("small-GEMM factor", f"{gemm:.2f}", _rt_source(r, "gemm_half_tokens") if r.gemm_half
              else "none: this runtime's profile has no small-GEMM loss (M½ = 0)"),
        Input("format factor", f"{r.prefill_format:.2f}", _rt_source(r, "prefill_format")),
        Input("quantized matmul", r.runtime.quantized_matmul, _rt_source(r, "quantized_matmul")),
        Input("fixed cost / pass", duration(r.prefill_overhead), _rt_source(r, "prefill_kernel_us")),
        Input("attention", r.runtime.attention, _rt_source(r, "attention")),
    ]
    speed = rate(est.prefill_tokens_per_s) if est.prefill_tokens_per_s else "no prompt"
    return Explanation(
        "prefill", "Time to first token", f"{duration(est.ttft_s)} ({speed})",
        "TTFT = max(FLOPs ÷ (peak·η_c·M/(M+M½)·format factor), bytes ÷ (bandwidth·η_m)) + link time "
        "+ materialised-score traffic ÷ bandwidth + fixed cost per pass",
        f"{tokens:,} prompt tokens: {si(p['flops'], 'FLOP')} → compute {duration(p['compute_time'])}; "
        f"{si(p['bytes'], 'B')} → memory {duration(p['memory_time'])}; link {duration(p['comm_time'])}; "
        f"extra {duration(p['overhead_time'])} → {duration(est.ttft_s)}",
        ins, *_band(bands.time(est.ttft_s, cov), duration, "", cov, "prefill"))


def _output(s: Scenario, r, est, cov) -> Explanation:
    if est.output_tokens_per_s is None:
        return Explanation("output", "Whole-job throughput", "— (nothing generated)", "batch · generate ÷ wall time",
                           "generate = 0")
    wall = s.batch * s.generate / est.output_tokens_per_s
    return Explanation(
        "output", "Whole-job throughput", rate(est.output_tokens_per_s, "output tokens/s"),
        "output tokens/s = batch · generate ÷ (prefill of every prompt + (generate − 1) × time per token)",
        f"{s.batch:,} × {s.generate:,} ÷ ({duration(est.ttft_s)} + {max(s.generate - 1, 0):,} × "
        f"{duration(est.tpot_s)} = {duration(wall)})",
        [Input("batching", r.runtime.batching, _rt_source(r, "batching")),
         Input("max batch", f"{r.runtime.max_batch:,}", _rt_source(r, "max_batch"))],
        *_band(bands.speed(est.output_tokens_per_s, cov), sig, " tokens/s", cov, "output"))


def _memory(s: Scenario, r, est) -> Explanation:
    return Explanation(
        "memory", "Memory per device", f"{binary_bytes(est.memory_needed_per_device)} of "
        f"{binary_bytes(est.memory_usable_per_device)} usable → {'fits' if est.fits else 'does not fit'}",
        "weights ÷ devices + KV cache ÷ KV ways + runtime reserve ≤ capacity × usable fraction",
        f"{binary_bytes(est.weight_bytes)} ÷ {s.devices} + {binary_bytes(est.kv_cache_bytes)} ÷ {r.kv_ways} + "
        f"{binary_bytes(r.reserve_bytes)}",
        [Input("capacity", f"{s.hardware.memory_gib:g} GiB", _hw_source(s, "memory_gib")),
         Input("KV cache / token", binary_bytes(est.kv_bytes_per_token), f"model × {r.kv.name}"),
         Input("usable / reserve", f"{r.usable_bytes / s.hardware.capacity_bytes:.0%} / {binary_bytes(r.reserve_bytes)}",
               "efficiency.toml (vLLM gpu_memory_utilization 0.9; Metal working-set limit 75 %)")])


def _energy(s: Scenario, r, est) -> Explanation:
    return Explanation(
        "energy", "Energy and cost", f"{energy(est.energy_j_per_token)} per generated token"
        + (f"; {money(est.usd_per_million_tokens)} per million" if est.usd_per_million_tokens is not None else ""),
        "devices × power × (TTFT + (generate − 1) × time per token) ÷ generated tokens; cost = devices × price × time",
        f"{s.devices} × {s.hardware.tdp_w:g} W × wall time ÷ {s.batch * max(s.generate, 1):,} tokens",
        [Input("power", f"{s.hardware.tdp_w:g} W", _hw_source(s, "tdp_w")),
         Input("price", f"${r.price_per_hour:g}/h" if r.price_per_hour is not None else "none set",
               "set in the scenario" if s.price_per_hour is not None else _hw_source(s, "price_per_hour_usd"))])


def _band(b, fmt, unit: str, cov, key: str) -> tuple[str, str]:
    """(band text, calibration text) of one readout: how many held-out rows of this metric
    calibrate it, or why none do (then no band)."""
    if cov.ideal:
        return "", cov.label()
    n = cov.rows_for(key)
    if not cov.calibrated:
        return "", f"{cov.label()} — the calibration set holds {n} {key} rows of {cov.runtime}"
    text = f"{n} {key} rows of {cov.runtime} ({cov.rows} in all), each predicted with its dataset left out"
    return (b.text(fmt) + unit if b else ""), text


def explain(s: Scenario) -> dict[str, Explanation]:
    r, est, cov = resolve(s), estimate(s), bands.coverage(s)
    out = {"prefill": _prefill(s, r, est, cov), "output": _output(s, r, est, cov), "memory": _memory(s, r, est),
           "energy": _energy(s, r, est)}
    if est.tpot_s is not None:
        out = {"decode": _decode(s, r, est, cov), **out}
    return out


def explain_text(s: Scenario, keys: tuple[str, ...] | None = None) -> str:
    """Every explanation (or those of ``keys``) as text, a blank line between: what
    ``estimate --explain`` prints after the report."""
    parts = explain(s)
    return "\n\n".join(e.text() for k, e in parts.items() if keys is None or k in keys)
