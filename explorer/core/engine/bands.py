"""Bands, not false precision: floor – typical – ceiling for every time and throughput.

Each runtime profile carries ``band.floor`` and ``band.ceiling``: the measured ÷ predicted speed
ratios that bracket the middle 80 % of its calibration rows (10th and 90th percentile, from
``resources/validation``; ``benchmarks/calibration_report.py --bands`` prints them). Runtimes with
no calibration rows take the spread their closest calibrated relative showed when it was left
out of the fit (leave-one-out), which is wider. So about 80 % of the published measurements fall
inside the band on the data we have; on unseen hardware and workloads, expect less.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.specs.runtime import Runtime

COVERAGE = 0.8  # share of calibration errors the band is set to hold
TOOLTIP = ("Band: the range the calibration data's errors fall inside about 80 % of the time "
           "for this runtime (10th–90th percentile of measured ÷ modelled).")


@dataclass(frozen=True)
class Band:
    low: float
    typical: float
    high: float

    def text(self, fmt) -> str:
        """"62–81, typical 74" with ``fmt`` formatting each number."""
        if self.low == self.high:
            return fmt(self.typical)
        return f"{fmt(self.low)}–{fmt(self.high)}, typical {fmt(self.typical)}"


def ratios(rt: Runtime) -> tuple[float, float]:
    """(floor, ceiling) multipliers on a speed (tokens/s)."""
    if rt.ideal:
        return 1.0, 1.0
    return float(rt.band.get("floor", 1.0)), float(rt.band.get("ceiling", 1.0))


def speed(value: float | None, rt: Runtime) -> Band | None:
    """Band of a throughput (higher is faster)."""
    if value is None:
        return None
    lo, hi = ratios(rt)
    return Band(value * lo, value, value * hi)


def time(value: float | None, rt: Runtime) -> Band | None:
    """Band of a duration: a faster-than-modelled run takes less time."""
    if value is None:
        return None
    lo, hi = ratios(rt)
    return Band(value / hi, value, value / lo)


def table(s, est) -> dict[str, list[float] | None]:
    """[low, typical, high] of every time and throughput of an estimate (for JSON and views)."""
    from explorer.core.state.scenario import runtime_of
    rt = runtime_of(s)
    out = {}
    for key in ("decode_tokens_per_s", "total_tokens_per_s", "output_tokens_per_s", "prefill_tokens_per_s"):
        b = speed(getattr(est, key), rt)
        out[key] = [b.low, b.typical, b.high] if b else None
    for key in ("ttft_s", "tpot_s"):
        b = time(getattr(est, key), rt)
        out[key] = [b.low, b.typical, b.high] if b else None
    return out
