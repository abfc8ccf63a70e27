"""Words for numbers: the plain-language bottleneck sentence and the CLI's text report.

Shared by the CLI and the GUI readouts, so both say the same thing.
"""

from __future__ import annotations

from . import bands
from .estimate import Estimate, sequences_per_pass
from .parallel import work_divisor
from .resolved import resolve
from .scenario import Scenario
from .units import bandwidth, binary_bytes, count, duration, si


def _memory(nbytes: float) -> str:
    """Memory sizes the way capacities are quoted (GiB), with the decimal GB beside them."""
    return f"{binary_bytes(nbytes)} ({si(nbytes, 'B')})"


def bottleneck_sentence(s: Scenario, est: Estimate) -> str:
    """One sentence naming what limits speed, with the numbers that prove it."""
    r = resolve(s)
    hw = s.hardware
    if not est.fits:
        share = r.usable_bytes / hw.capacity_bytes
        return (f"Does not fit: needs {binary_bytes(est.memory_needed_per_device)} per device, but "
                f"{hw.name} offers {binary_bytes(est.memory_usable_per_device)} usable "
                f"({share:.0%} of {hw.memory_gib:g} GiB) — use more devices, a smaller format or a shorter context.")
    if est.tpot_s is None:  # prompt only
        return (f"{est.prefill_bound.capitalize()}-bound prefill: {count(s.prompt * s.batch)} prompt tokens "
                f"take {duration(est.ttft_s)} ({si(est.prefill_tokens_per_s, 'tokens/s')}).")
    tensor = s.parallel == "tensor"
    devices = work_divisor(s.parallel, s.devices)
    per_pass = sequences_per_pass(s)
    step_bytes = est.bytes_per_token * per_pass
    what = "every token streams" if per_pass == 1 else f"every decode step ({per_pass:,.0f} sequences) streams"
    comm = (f", plus {duration(est.interconnect_s_per_step)} per step on the device link"
            if est.interconnect_s_per_step > 0 else "")
    if est.bound == "memory":
        bw = hw.bandwidth_gbs * 1e9 * devices
        stream = r.decode_format
        kernels = f"{r.eta_memory:.0%} of peak bandwidth real kernels reach" + (
            f" (×{stream:.0%} for {r.weights.name} dequantization)" if stream < 1 else "")
        return (f"Memory-bound: {what} {si(step_bytes, 'B')} of weights and KV cache through {bandwidth(bw)}, "
                f"so at most ~{bw / step_bytes:,.0f} tokens/s per sequence; ~{est.decode_tokens_per_s:,.0f} at the "
                f"{kernels}{comm}.")
    if est.bound == "compute":
        peak = r.peak_flops * devices
        return (f"Compute-bound: every step needs {si(est.flops_per_token * per_pass, 'FLOP')}; at {r.eta_compute:.0%} of "
                f"the {si(peak, 'FLOP/s')} {r.peak_key.upper()} peak that gives ~{est.decode_tokens_per_s:,.0f} "
                f"tokens/s per sequence{comm}.")
    link = hw.interconnect or "the link"
    how = "two all-reduces per layer" if tensor else f"activations handed between {s.devices} pipeline stages"
    return (f"Interconnect-bound: {how} over {link} take {duration(est.interconnect_s_per_step)} per step, "
            f"longer than the math and the memory traffic; ~{est.decode_tokens_per_s:,.0f} tokens/s per sequence.")


def _band(b, fmt) -> str:
    """" [band 43–78]": the range ~80 % of the runtime's calibration rows fall in (core/bands.py)."""
    if b is None or b.low == b.high:
        return ""
    return f"  [band {fmt(b.low)}–{fmt(b.high)}]"


def plain_report(s: Scenario, est: Estimate) -> str:
    r = resolve(s)
    apple = s.hardware.category == "apple-soc"
    lines = [
        f"{s.model.name} on {s.devices} × {s.hardware.name}"
        + (f" ({s.parallel} parallel)" if s.devices > 1 else ""),
        f"  formats: weights {r.weights.name}, KV cache {r.kv.name}, compute {r.compute.name}"
        + ("" if r.peak_key == r.compute.throughput_key else f" (device has no {r.compute.throughput_key.upper()} rate: using {r.peak_key.upper()})"),
        f"  runtime: {r.runtime.name}" + ("" if s.runtime else " (default for this device)"),
        f"  workload: batch {s.batch}, prompt {s.prompt:,}, generate {s.generate:,}"
        + ("" if s.kv_cache else ", NO KV cache"),
        "",
        f"  parameters        {count(est.params_total)} total, {count(est.params_active)} active per token",
        f"  weights           {_memory(est.weight_bytes)}",
        f"  KV cache          {_memory(est.kv_cache_bytes)}; {binary_bytes(est.kv_bytes_per_token)} per token",
        f"  memory per device {binary_bytes(est.memory_needed_per_device)} of {binary_bytes(est.memory_usable_per_device)} usable"
        f" -> {'fits' if est.fits else 'DOES NOT FIT'}; max batch {est.max_batch:,}",
        f"  time to 1st token {duration(est.ttft_s)}"
        + (f" ({si(est.prefill_tokens_per_s, 'tokens/s')} prefill, {est.prefill_bound}-bound)" if est.prefill_tokens_per_s else "")
        + _band(bands.time(est.ttft_s, r.runtime), duration),
    ]
    if est.tpot_s is not None:
        lines += [
            f"  time per token    {duration(est.tpot_s)} -> {est.decode_tokens_per_s:,.1f} tokens/s per sequence, "
            f"{est.total_tokens_per_s:,.1f} in total while decoding"
            + _band(bands.speed(est.decode_tokens_per_s, r.runtime), lambda v: f"{v:,.3g}"),
            f"  whole job         {est.output_tokens_per_s:,.1f} output tokens/s (batch × generate ÷ (prefill + every "
            "decode step))" + _band(bands.speed(est.output_tokens_per_s, r.runtime), lambda v: f"{v:,.3g}"),
        ]
    power = "whole-machine wall power" if apple else "board power (TDP)"
    lines += [
        f"  bound             {est.bound} (arithmetic intensity {est.arithmetic_intensity:,.1f} FLOP/B; effective "
        f"ridge {est.ridge_intensity:,.0f}, data-sheet ridge {est.peak_ridge_intensity:,.0f})",
        f"  energy            {est.energy_j_per_token:,.3g} J per generated token (devices × {power} × time, an upper bound)",
        "  cost              " + (f"${est.usd_per_million_tokens:,.3g} per million generated tokens (prefill time included)"
                                  if est.usd_per_million_tokens is not None else "no price (give --price-per-hour)"),
        f"  relationships     {count(est.relationships_per_forward)} attention scores per forward pass "
        "(L·h·n², the full n×n matrix; causal attention computes about half)",
        "",
        "  " + bottleneck_sentence(s, est),
    ]
    return "\n".join(lines)
