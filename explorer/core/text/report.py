"""Words for numbers: the plain-language bottleneck sentence and the CLI's text report.

Shared by the CLI and the GUI readouts, so both say the same thing.
"""

from __future__ import annotations

from explorer.core.engine import bands
from explorer.core.engine.estimate import Estimate, estimate, sequences_per_pass
from explorer.core.engine.resolved import resolve
from explorer.core.physics.memory import effective_bits_per_weight
from explorer.core.physics.parallel import work_divisor
from explorer.core.physics.units import (
    bandwidth,
    binary_bytes,
    count,
    duration,
    energy,
    max_batch,
    money,
    rate,
    si,
    sig,
)
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario, ScenarioError

# Weight formats tried, largest first, when a scenario does not fit: the common ladder.
FIT_FORMATS = ("fp16", "fp8-e4m3", "int8", "q8_0", "q4_k_m", "int4-g128", "q4_0", "int4")
FIT_DEVICES = (2, 4, 8, 16, 32, 64)
IF_IT_FIT = ("  time to 1st", "  time per token", "  energy", "  cost")


def _memory(nbytes: float) -> str:
    """Memory sizes in one unit everywhere a person reads them: GiB (2³⁰ bytes)."""
    return binary_bytes(nbytes)


def _fits(s: Scenario, **changes) -> bool:
    try:
        return estimate(s.with_(**changes)).fits
    except (ScenarioError, ValueError):
        return False


def fit_options(s: Scenario) -> list[str]:
    """What would make a scenario that does not fit fit: the fewest devices (same split), the
    largest smaller weight format, the largest batch. Empty when it fits or nothing helps."""
    out = []
    devices = next((n for n in FIT_DEVICES if n > s.devices and _fits(s, devices=n)), None)
    if devices:
        out.append(f"{devices} devices")
    own = presets.number_format(s.weights).bits_per_weight
    fmt = next((f for f in FIT_FORMATS if presets.number_format(f).bits_per_weight < own and _fits(s, weights=f)), None)
    if fmt:
        out.append(f"{presets.number_format(fmt).name} weights")
    if s.batch > 1 and _fits(s, batch=1):
        best = max(b for b in range(1, s.batch) if b & (b - 1) == 0 and _fits(s, batch=b))
        out.append(f"batch {best}")
    return out


def does_not_fit(s: Scenario, est: Estimate) -> str:
    """'needs 93 GiB per device, has 72 GiB usable: 2 devices or INT8 weights would fit'."""
    text = (f"needs {binary_bytes(est.memory_needed_per_device)} per device, has "
            f"{binary_bytes(est.memory_usable_per_device)} usable")
    options = fit_options(s)
    return text + (f": {' or '.join(options)} would fit" if options else ": no simple change fits it")


def max_batch_text(s: Scenario, est: Estimate) -> str:
    """'max batch 23' — or why memory sets no batch limit here."""
    if not s.kv_cache:
        return "max batch not limited by a KV cache (there is none; activations are not modelled)"
    return f"max batch {max_batch(est.max_batch)}"


def bottleneck_sentence(s: Scenario, est: Estimate) -> str:
    """One sentence naming what limits speed, with the numbers that prove it."""
    r = resolve(s)
    hw = s.hardware
    if not est.fits:
        share = r.usable_bytes / hw.capacity_bytes
        return (f"Does not fit on {hw.name} ({share:.0%} of its {hw.memory_gib:g} GiB is usable): "
                f"{does_not_fit(s, est)}. Speeds are shown only as what it would do if it fit.")
    if est.tpot_s is None:  # prompt only
        return (f"{est.prefill_bound.capitalize()}-bound prefill: {count(s.prompt * s.batch)} prompt tokens "
                f"take {duration(est.ttft_s)} ({rate(est.prefill_tokens_per_s)}).")
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
        # Traffic in GB beside a bandwidth in GB/s: one unit family in the sentence.
        return (f"Memory-bound: {what} {si(step_bytes, 'B')} of weights and KV cache through {bandwidth(bw)}, "
                f"so at most ~{rate(bw / step_bytes)} per sequence; ~{sig(est.decode_tokens_per_s)} at the "
                f"{kernels}{comm}.")
    if est.bound == "compute":
        peak = r.peak_flops * devices
        return (f"Compute-bound: every step needs {si(est.flops_per_token * per_pass, 'FLOP')}; at {r.eta_compute:.0%} of "
                f"the {si(peak, 'FLOP/s')} {r.peak_label} peak that gives ~{rate(est.decode_tokens_per_s)} "
                f"per sequence{comm}.")
    link = hw.interconnect or "the link"
    how = "two all-reduces per layer" if tensor else f"activations handed between {s.devices} pipeline stages"
    return (f"Interconnect-bound: {how} over {link} take {duration(est.interconnect_s_per_step)} per step, "
            f"longer than the math and the memory traffic; ~{rate(est.decode_tokens_per_s)} per sequence.")


def _band(b, fmt, cov) -> str:
    """" [band 43–78]": the range ~80 % of the runtime's held-out calibration errors fall in
    (core/engine/bands.py); " [uncalibrated]" where no calibration row covers the scenario."""
    if not cov.ideal and not cov.calibrated:
        return f"  [{bands.UNCALIBRATED}]"
    if b is None or b.low == b.high:
        return ""
    return f"  [band {fmt(b.low)}–{fmt(b.high)}]"


def plain_report(s: Scenario, est: Estimate) -> str:
    r = resolve(s)
    cov = bands.coverage(s)
    apple = s.hardware.category == "apple-soc"
    lines = [
        f"{s.model.name} on {s.devices} × {s.hardware.name}"
        + (f" ({s.parallel} parallel)" if s.devices > 1 else ""),
        f"  formats: weights {r.weights.name} ({effective_bits_per_weight(s.model, r.weights):.3g} bits/weight), KV cache {r.kv.name}, compute {r.compute.name}"
        + ("" if not r.peak_is_fallback else f" (device has no {r.compute.throughput_key.upper()} rate: using {r.peak_key.upper()})"),
        f"  runtime: {r.runtime.name}" + ("" if s.runtime else " (default for this device)"),
        f"  workload: batch {s.batch}, prompt {s.prompt:,}, generate {s.generate:,}"
        + ("" if s.kv_cache else ", NO KV cache"),
        "",
        f"  parameters        {count(est.params_total)} total, {count(est.params_active)} active per token",
        f"  weights           {_memory(est.weight_bytes)}",
        ("  KV cache          " + (f"{_memory(est.kv_cache_bytes)}; {binary_bytes(est.kv_bytes_per_token)} per token"
                                   if s.kv_cache else "none (no KV cache: every token re-runs the prefix)")),
        f"  memory per device {binary_bytes(est.memory_needed_per_device)} of {binary_bytes(est.memory_usable_per_device)} usable"
        + (f" -> fits; {max_batch_text(s, est)}" if est.fits else f" -> DOES NOT FIT: {does_not_fit(s, est)}"),
        f"  time to 1st token {duration(est.ttft_s)}"
        + (f" ({rate(est.prefill_tokens_per_s)} prefill, {est.prefill_bound}-bound)" if est.prefill_tokens_per_s else "")
        + (f"; all {s.batch:,} prompts prefilled together" if s.batch > 1 else "")
        + _band(bands.time(est.ttft_s, cov), duration, cov),
    ]
    if est.tpot_s is not None:
        lines += [
            f"  time per token    {duration(est.tpot_s)} -> {rate(est.decode_tokens_per_s)} per sequence, "
            f"{sig(est.total_tokens_per_s)} in total while decoding"
            + _band(bands.speed(est.decode_tokens_per_s, cov), sig, cov),
            f"  whole job         {rate(est.output_tokens_per_s, 'output tokens/s')} (batch × generate ÷ (prefill + every "
            "decode step))" + _band(bands.speed(est.output_tokens_per_s, cov), sig, cov),
        ]

    power = "whole-machine wall power" if apple else "board power (TDP)"
    lines += [
        f"  bound             {est.bound} (arithmetic intensity {sig(est.arithmetic_intensity)} FLOP/B; effective "
        f"ridge {sig(est.ridge_intensity)}, data-sheet ridge {sig(est.peak_ridge_intensity)})",
        f"  calibration       {cov.label()}",
        f"  energy            {energy(est.energy_j_per_token)} per generated token (devices × {power} × time, an upper bound)",
        "  cost              " + (f"{money(est.usd_per_million_tokens)} per million generated tokens (prefill time included)"
                                  if est.usd_per_million_tokens is not None else "no price (give --price-per-hour)"),
        f"  relationships     {count(est.relationships_per_forward)} attention scores per forward pass "
        "(L·h·n² score entries, the full n×n matrix; causal attention computes about half; entries, not FLOPs)",
        "",
        "  " + bottleneck_sentence(s, est),
    ]
    if not est.fits:  # speeds and costs of something that cannot run are hypothetical
        lines = [line + "  (if it fit)" if line.startswith(IF_IT_FIT) else line for line in lines]
    lines += [f"  WARNING: {w}" for w in est.warnings]
    return "\n".join(lines)
