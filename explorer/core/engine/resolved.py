"""A Scenario resolved to the numbers the formulas need: formats, effective peaks, budgets.

Two types share one generic shape, :class:`Resolution`, over the type of the device figures:

- :class:`Resolved` (``Resolution[float]``): one scenario on one device, every figure a float. Built
  once per scenario (:func:`resolve`); the scalar estimate (``engine/point.py``) reads only this.
- :class:`ResolvedStack` (``Resolution[np.ndarray]``): one workload on several devices
  (:func:`stack`), the device figures as column arrays (devices × 1), so the vectorized pass
  functions (``engine/passes.py``) evaluate every device at once.

The pass functions take either (``Resolution``); numpy broadcasting does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

import numpy as np

from explorer.core.physics import dequant, kernels, memory, parallel
from explorer.core.physics.units import TFLOPS, GiB
from explorer.core.specs import presets
from explorer.core.specs.formats import NumberFormat
from explorer.core.specs.runtime import SCORE_PASSES, Runtime
from explorer.core.state.scenario import Scenario, runtime_of


F = TypeVar("F", float, np.ndarray)  # a device figure: one float, or a column per device


@dataclass(frozen=True)
class Resolution(Generic[F]):
    scenario: Scenario
    weights: NumberFormat
    kv: NumberFormat
    compute: NumberFormat
    peak_flops: F  # dense peak of one device for the compute format (after fallback)
    peak_key: str  # the hardware throughput key actually used
    bandwidth: F  # B/s of one device
    eta_compute: F
    eta_memory: F
    usable_bytes: F  # per device
    reserve_bytes: F  # per device
    link_bandwidth: F  # B/s per direction between devices, as the runtime's all-reduces reach it
    link_latency: F  # s per hop (a ring all-reduce step)
    oneshot_latency: F  # s per custom one-shot all-reduce where the runtime and fabric have one; 0 = none
    price_per_hour: float | None  # per device
    runtime: Runtime
    decode_format: F  # share of the FP16 mat-vec bandwidth the weight format reaches
    prefill_format: F  # share of the FP16 GEMM rate the weight format reaches
    decode_overhead: F  # s per decode pass (launches, host)
    seq_overhead: F  # s per sequence in a pass (the runtime's host work per running request)
    prefill_overhead: F  # s per prefill pass
    kv_read: F  # share of the bandwidth KV-cache reads reach
    gemm_half: F  # tokens at which a prefill GEMM reaches half its large-GEMM rate (0: no loss)
    score_passes: F  # times the n×n attention scores cross memory (0: flash attention)
    score_chunk: F  # prompt tokens scored per chunk (a chunk scores against every key so far)
    dequant_bytes: F = 0.0  # type: ignore[assignment]  # bytes a dequantize-then-matmul prefill pass copies before its GEMMs
    attn_share: F = 1.0  # type: ignore[assignment]  # share of the matmul FLOP rate decode attention reaches
    # Figures the engine derives from the ones above alone (point.py's rates and byte counts, the
    # warnings), kept for every Resolved of the same resolution_key; not a field to compare or copy
    # (a Resolved built any other way, dataclasses.replace included, starts with an empty one).
    shared: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def devices(self) -> int:
        return self.scenario.devices

    @property
    def activation_bytes(self) -> float:
        """Bytes per activation element sent between devices: 16-bit even when the matmuls run
        in FP8/INT8 (runtimes all-reduce in BF16/FP16); 4 for FP32/TF32."""
        return 4.0 if self.compute.bytes_per_value >= 4 else 2.0

    @property
    def peak_label(self) -> str:
        return peak_label(self.peak_key)

    @property
    def peak_is_fallback(self) -> bool:
        """The device lists no rate for the compute format; a wider one is used."""
        return self.peak_key not in (self.compute.throughput_key, "fp16_acc16")

    @property
    def kv_ways(self) -> int:
        s = self.scenario
        return parallel.kv_ways(s.parallel, s.devices, s.model.kv_shards)

    @property
    def link(self) -> np.ndarray:
        """Link bandwidth safe to divide by (a device with no link figure is never split)."""
        return np.where(np.asarray(self.link_bandwidth) > 0, self.link_bandwidth, 1.0)

    @property
    def ridge_intensity(self) -> F:
        """FLOP per byte where the effective roofline turns from memory- to compute-bound."""
        return (self.peak_flops * self.eta_compute) / (self.bandwidth * self.eta_memory)


@dataclass(frozen=True)
class Resolved(Resolution[float]):
    """One scenario on one device: every figure a plain float."""


@dataclass(frozen=True)
class ResolvedStack(Resolution[np.ndarray]):
    """One workload on several devices: each device figure a column (devices × 1)."""


def peak_label(key: str) -> str:
    """How a peak is named on screen: 'FP16', or 'FP16 (FP16-accumulate)' for the GeForce
    FP16-accumulate rate a llama.cpp-style runtime reaches."""
    return "FP16 (FP16-accumulate)" if key == "fp16_acc16" else key.upper()


STACKED = ("peak_flops", "bandwidth", "eta_compute", "eta_memory", "usable_bytes", "reserve_bytes",
           "link_bandwidth", "link_latency", "oneshot_latency", "decode_format", "prefill_format", "decode_overhead",
           "seq_overhead", "prefill_overhead", "kv_read", "gemm_half", "score_passes", "score_chunk", "dequant_bytes",
           "attn_share")


def stack(resolved: list[Resolved]) -> ResolvedStack:
    """Several resolutions of one workload on different devices, as one ResolvedStack whose device
    figures are column arrays (devices × 1): every vectorized formula then evaluates all the
    devices at once, broadcasting against its own sample axis."""
    first = resolved[0]
    fields_: dict[str, Any] = {f.name: getattr(first, f.name) for f in fields(first)}
    fields_.update({f: np.array([[getattr(r, f)] for r in resolved], dtype=np.float64) for f in STACKED})
    fields_.pop("shared")
    return ResolvedStack(**{**fields_, "price_per_hour": None})


def _peak(hw, compute: NumberFormat, rt: Runtime) -> tuple[float, str]:
    """The dense peak the runtime's matmuls run at: FP16 accumulation (``fp16_acc16``, twice the
    FP32-accumulate rate on GeForce cards) when the runtime accumulates in FP16 or is ideal."""
    if compute.throughput_key == "fp16" and (rt.fp16_accumulate or rt.ideal) and "fp16_acc16" in hw.tflops:
        return hw.tflops["fp16_acc16"] * 1e12, "fp16_acc16"
    return hw.peak_flops(compute.throughput_key)


def _eta_memory(s: Scenario, rt: Runtime) -> float:
    if s.eta_memory is not None:
        return s.eta_memory
    if rt.ideal:
        return 1.0
    # A device-specific figure (two-die Ultra chips) replaces the category's.
    return s.hardware.eta_memory or rt.memory_efficiency(s.hardware.category)


def act_quant(rt: Runtime, weights: NumberFormat) -> bool:
    """Whether the runtime quantises each matmul's activations in a kernel of its own: FP8 and INT8
    W8A8 weights (8-bit tensor-core GEMMs on 8-bit activations) in a runtime that does not fuse it."""
    return rt.activation_quant_kernel and not rt.ideal and weights.throughput_key in ("fp8", "int8")


def _decode_format(s: Scenario, rt: Runtime, weights: NumberFormat) -> float:
    """The weight stream's share of the FP16 mat-vec bandwidth: the runtime's measured format factor
    φ, lowered where the kernel's dequantization instructions (runtime decode_ops) take longer than
    the bytes on this chip (physics/dequant.py: max of the two roofs)."""
    phi = rt.format_factor(s.weights, "decode", weights.stream_efficiency)
    ops = rt.decode_ops.get(s.weights)
    if rt.ideal or not ops or "fp32" not in s.hardware.tflops:
        return phi
    achieved = s.hardware.bandwidth_bytes_per_s * _eta_memory(s, rt)
    return dequant.stream_factor(phi, float(ops), weights.bits_per_weight,
                                 s.hardware.tflops["fp32"] * TFLOPS, achieved)


def _attn_share(s: Scenario, rt: Runtime, matmul_rate: float) -> float:
    """Decode attention's share of the matmul rate: the runtime's kernel instructions per key and
    query head (physics/dequant.attention_rate_share), for standard (not latent, not linear) attention."""
    m = s.model
    if rt.ideal or m.is_mla or m.attention == "linear" or "fp32" not in s.hardware.tflops:
        return 1.0
    return dequant.attention_rate_share(rt.decode_attn_ops_per_dim, rt.decode_attn_ops_per_key, m.hd,
                                        s.hardware.tflops["fp32"] * TFLOPS, matmul_rate)


def resolution_key(s: Scenario) -> tuple:
    """Every field of ``s`` that :func:`resolve` reads: all but the batch, the lengths, the KV-cache
    switch and the serving fields (load, lengths' spread, latency targets) — and the runtime profile
    itself, not only its ID: a fit that swaps a profile's constants under the same ID (the
    calibration scripts) must not be answered from the memo of the old one. The memo keeps the
    profile alive (it is among the figures), so its id() cannot be reused while the entry lives."""
    return (s.model, s.hardware, s.weights, s.kv, s.compute, s.devices, s.parallel, id(runtime_of(s)),
            s.eta_compute, s.eta_memory, s.price_per_hour)


_RESOLVED: dict[tuple, tuple[dict[str, Any], dict[Any, Any]]] = {}  # resolution_key → (figures, shared)
_KEEP = 256  # keys kept (a device comparison or a sweep over layouts uses a few dozen)


def resolve(s: Scenario) -> Resolved:
    """``s`` resolved: its formats, effective peaks and budgets. The figures depend only on
    :func:`resolution_key`, so they are computed once per key (the planner and the simulation ask
    for thousands of scenarios that differ in batch and lengths alone)."""
    key = resolution_key(s)
    try:
        figures, shared = _RESOLVED[key]
    except KeyError:
        if len(_RESOLVED) >= _KEEP:
            _RESOLVED.clear()
        full = _resolve(s)
        figures = {f.name: getattr(full, f.name) for f in fields(full) if f.name not in ("scenario", "shared")}
        figures, shared = _RESOLVED[key] = (figures, full.shared)
    r = object.__new__(Resolved)  # the frozen dataclass, built without re-running __init__ on known figures
    d = r.__dict__
    d.update(figures)
    d["scenario"] = s
    d["shared"] = shared
    return r


def _resolve(s: Scenario) -> Resolved:
    hw = s.hardware
    eff = presets.efficiency(hw.category)
    rt = runtime_of(s)
    compute = presets.number_format(s.compute)
    weights = presets.number_format(s.weights)
    peak, key = _peak(hw, compute, rt)
    eta_c = s.eta_compute if s.eta_compute is not None else rt.compute_efficiency(hw.category)
    price = s.price_per_hour if s.price_per_hour is not None else (hw.price_per_hour_usd or None)
    return Resolved(
        scenario=s,
        weights=weights,
        kv=presets.number_format(s.kv),
        compute=compute,
        peak_flops=peak,
        peak_key=key,
        bandwidth=hw.bandwidth_bytes_per_s,
        eta_compute=eta_c,
        eta_memory=_eta_memory(s, rt),
        usable_bytes=hw.addressable_bytes * float(rt.usable_fraction or eff["usable_fraction"]),
        reserve_bytes=float(rt.reserve_gib if rt.reserve_gib >= 0 else eff["reserve_gib"]) * GiB,
        link_bandwidth=(hw.link_bytes_per_s_for(s.devices, collective=s.parallel == "tensor")
                        * (1.0 if rt.ideal else hw.bus_efficiency)),
        link_latency=hw.interconnect_latency_us * 1e-6,
        oneshot_latency=hw.oneshot_allreduce_us * 1e-6 if rt.custom_allreduce or rt.ideal else 0.0,
        price_per_hour=price,
        runtime=rt,
        decode_format=_decode_format(s, rt, weights),
        prefill_format=rt.format_factor(s.weights, "prefill", 1.0),
        decode_overhead=kernels.fixed_time(s.model, rt.decode_kernel_us, 0.0 if rt.ideal else hw.kernel_sync_us,
                                           rt.pass_ms, rt.attention == "flash", act_quant(rt, weights)),
        prefill_overhead=kernels.fixed_time(s.model, rt.prefill_kernel_us, 0.0 if rt.ideal else hw.kernel_sync_us,
                                            rt.pass_ms, rt.attention == "flash", act_quant(rt, weights)),
        seq_overhead=0.0 if rt.ideal else rt.step_seq_us * 1e-6,
        kv_read=1.0 if rt.ideal else rt.kv_read,
        gemm_half=0.0 if rt.ideal else rt.gemm_half_tokens,
        score_passes=float(SCORE_PASSES) if rt.attention == "materialised" and not rt.ideal else 0.0,
        score_chunk=float(rt.prompt_chunk),
        dequant_bytes=(memory.dequant_copy_bytes(s.model, weights)
                       if rt.quantized_matmul == "dequantize-then-matmul" and not rt.ideal else 0.0),
        attn_share=_attn_share(s, rt, peak * eta_c),
    )
