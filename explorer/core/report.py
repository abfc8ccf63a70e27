"""Words for numbers: the plain-language bottleneck sentence and the CLI's text report.

Shared by the CLI and the GUI readouts, so both say the same thing.
"""

from __future__ import annotations

from .estimate import Estimate
from .resolved import resolve
from .scenario import Scenario
from .units import bandwidth, binary_bytes, count, duration, si


def bottleneck_sentence(s: Scenario, est: Estimate) -> str:
    """One sentence naming what limits speed, with the numbers that prove it."""
    r = resolve(s)
    hw = s.hardware
    if not est.fits:
        return (f"Does not fit: needs {si(est.memory_needed_per_device, 'B')} per device but "
                f"{hw.name} offers {si(est.memory_usable_per_device, 'B')} usable — "
                f"use more devices, a smaller format, or a shorter context.")
    if est.tpot_s is None:  # prompt only
        return (f"{est.prefill_bound.capitalize()}-bound prefill: {count(s.prompt * s.batch)} prompt tokens "
                f"take {duration(est.ttft_s)} ({si(est.prefill_tokens_per_s, 'tokens/s')}).")
    step_bytes = est.bytes_per_token * s.batch
    if est.bound == "memory":
        bw = hw.bandwidth_gbs * 1e9 * (s.devices if s.parallel == "tensor" else 1)
        ceiling = bw / step_bytes
        achieved = step_bytes / est.tpot_s / bw
        return (f"Memory-bound: every token streams {si(step_bytes, 'B')} of weights and KV cache through "
                f"{bandwidth(bw)}, so at most ~{ceiling:,.0f} tokens/s per sequence; "
                f"~{est.decode_tokens_per_s:,.0f} at the {achieved:.0%} of peak bandwidth real kernels reach.")
    if est.bound == "compute":
        step_flops = est.flops_per_token * s.batch
        return (f"Compute-bound: every step needs {si(step_flops, 'FLOP')} at "
                f"{si(r.peak_flops * (s.devices if s.parallel == 'tensor' else 1), 'FLOP/s')} peak "
                f"({r.peak_key.upper()}), so ~{est.decode_tokens_per_s:,.0f} tokens/s per sequence.")
    return (f"Interconnect-bound: the all-reduces over {hw.interconnect or 'the link'} take longer than the math; "
            f"~{est.decode_tokens_per_s:,.0f} tokens/s per sequence.")


def plain_report(s: Scenario, est: Estimate) -> str:
    r = resolve(s)
    lines = [
        f"{s.model.name} on {s.devices} × {s.hardware.name}"
        + (f" ({s.parallel} parallel)" if s.devices > 1 else ""),
        f"  formats: weights {r.weights.name}, KV cache {r.kv.name}, compute {r.compute.name}"
        + ("" if r.peak_key == r.compute.throughput_key else f" (device has no {r.compute.throughput_key.upper()} rate: using {r.peak_key.upper()})"),
        f"  workload: batch {s.batch}, prompt {s.prompt:,}, generate {s.generate:,}"
        + ("" if s.kv_cache else ", NO KV cache"),
        "",
        f"  parameters        {count(est.params_total)} total, {count(est.params_active)} active per token",
        f"  weights           {si(est.weight_bytes, 'B')}",
        f"  KV cache          {si(est.kv_cache_bytes, 'B')} ({binary_bytes(est.kv_bytes_per_token)} per token)",
        f"  memory per device {si(est.memory_needed_per_device, 'B')} of {si(est.memory_usable_per_device, 'B')} usable"
        f" -> {'fits' if est.fits else 'DOES NOT FIT'}; max batch {est.max_batch:,}",
        f"  time to 1st token {duration(est.ttft_s)}"
        + (f" ({si(est.prefill_tokens_per_s, 'tokens/s')} prefill, {est.prefill_bound}-bound)" if est.prefill_tokens_per_s else ""),
    ]
    if est.tpot_s is not None:
        lines += [
            f"  time per token    {duration(est.tpot_s)} -> {est.decode_tokens_per_s:,.1f} tokens/s per sequence, "
            f"{est.total_tokens_per_s:,.1f} in total",
        ]
    lines += [
        f"  bound             {est.bound} (arithmetic intensity {est.arithmetic_intensity:,.1f} FLOP/B; "
        f"ridge {est.ridge_intensity:,.0f})",
        f"  energy            {est.energy_j_per_token:,.3g} J per token (at TDP)",
        f"  cost              " + (f"${est.usd_per_million_tokens:,.3g} per million tokens" if est.usd_per_million_tokens is not None
                                  else "no price (give --price-per-hour)"),
        f"  relationships     {count(est.relationships_per_forward)} attention scores per forward pass (L·h·n²)",
        "",
        "  " + bottleneck_sentence(s, est),
    ]
    return "\n".join(lines)
