"""Bands from held-out error, and the word *uncalibrated* where there is none.

A band is floor – typical – ceiling: the 10th and 90th percentile of measured ÷ modelled speed over
a runtime's calibration rows, each predicted by a fit that had never seen that row's dataset
(leave-one-dataset-out; ``benchmarks/calibration_report.py --write`` computes them into
``explorer/data/calibration.toml``, row by row in ``resources/validation/held_out.csv``). So about
80 % of measurements like those rows fall inside it, judged the honest way.

A scenario the rows do not cover gets no band and says **uncalibrated**, naming why: a runtime
with no rows (vLLM, MLX, Transformers) or fewer than ``MIN_ROWS``; a device class or GPU
generation none of its rows ran on; a mixture-of-experts or latent-attention model (every row is a
dense Llama); more devices than any row; a prompt longer than 8k tokens; weights in a format none of
its rows used (GGUF K-quants: every llama.cpp row is F16, Q8_0 or Q4_0). The ideal runtime is the
physical limit: no band, and nothing to calibrate.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.specs import presets
from explorer.core.specs.calibration import LONG_PROMPT, MIN_ROWS, RuntimeCalibration, generation
from explorer.core.state.scenario import Scenario, runtime_of

COVERAGE = 0.8  # share of held-out errors the band is set to hold
TOOLTIP = ("Band: 10th–90th percentile of measured ÷ modelled speed for this runtime, each row predicted "
           "by a fit that never saw its dataset (leave-one-dataset-out).")
UNCALIBRATED = "uncalibrated"
METRIC_OF = {"decode": "decode_tokens_per_s", "prefill": "prefill_tokens_per_s",
             "output": "output_tokens_per_s", "ttft": "ttft_ms"}


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


@dataclass(frozen=True)
class Coverage:
    """Whether calibration rows cover a scenario, and how many calibrate its runtime."""
    runtime: str
    rows: int  # calibration rows of the runtime (all metrics)
    metric_rows: dict  # per metric
    reasons: tuple[str, ...]  # why it is uncalibrated (empty: calibrated)
    floor: float = 1.0
    ceiling: float = 1.0
    ideal: bool = False

    @property
    def calibrated(self) -> bool:
        return not self.reasons and not self.ideal

    @property
    def has_band(self) -> bool:
        return self.calibrated

    def rows_for(self, key: str) -> int:
        """Rows that calibrate one readout ('decode', 'prefill', 'output', 'ttft')."""
        return int(self.metric_rows.get(METRIC_OF.get(key, key), 0))

    def label(self) -> str:
        """'calibrated: 184 rows' or 'uncalibrated: mixture of experts; …'."""
        if self.ideal:
            return "ideal: the physical limit (no calibration, no band)"
        if self.calibrated:
            return f"calibrated: {self.rows} rows of {self.runtime}"
        return f"{UNCALIBRATED}: " + "; ".join(self.reasons)

    def to_dict(self) -> dict:
        return {"calibrated": self.calibrated, "runtime": self.runtime, "rows": self.rows,
                "rows_by_metric": dict(self.metric_rows), "reasons": list(self.reasons),
                "band_basis": "leave-one-dataset-out 10th–90th percentile" if self.calibrated else None}


def coverage(s: Scenario) -> Coverage:
    rt = runtime_of(s)
    if rt.ideal:
        return Coverage(rt.id, 0, {}, (), ideal=True)
    cal = presets.calibration().get(rt.id, RuntimeCalibration())
    reasons = []
    if cal.rows == 0:
        reasons.append(f"no calibration rows for {rt.name}")
    elif cal.rows < MIN_ROWS:
        reasons.append(f"only {cal.rows} calibration rows for {rt.name} (a band needs {MIN_ROWS})")
    else:
        hw, m = s.hardware, s.model
        if hw.category not in cal.device_classes:
            reasons.append(f"no {rt.name} rows on a {hw.category}")
        elif generation(hw.id) not in cal.generations:
            reasons.append(f"no {rt.name} rows on {generation(hw.id) or hw.name} hardware")
        if m.experts > 1:
            reasons.append("mixture of experts (every row is a dense model)")
        if m.is_mla:
            reasons.append("latent attention (every row uses standard attention)")
        if s.devices > cal.max_devices:
            reasons.append(f"{s.devices} devices (rows go up to {cal.max_devices})")
        if cal.weight_formats and s.weights not in cal.weight_formats:
            reasons.append(f"{presets.number_format(s.weights).name} weights (rows: "
                           f"{', '.join(presets.number_format(w).name for w in cal.weight_formats)})")
        if s.prompt > LONG_PROMPT:
            reasons.append(f"a prompt over {LONG_PROMPT // 1024}k tokens")
        if not cal.has_band:
            reasons.append("no held-out band")
    return Coverage(rt.id, cal.rows, dict(cal.metric_rows), tuple(reasons), cal.floor or 1.0, cal.ceiling or 1.0)


def speed(value: float | None, cov: Coverage) -> Band | None:
    """Band of a throughput (higher is faster); None without calibration."""
    if value is None or not cov.has_band:
        return None
    return Band(value * cov.floor, value, value * cov.ceiling)


def time(value: float | None, cov: Coverage) -> Band | None:
    """Band of a duration: a faster-than-modelled run takes less time."""
    if value is None or not cov.has_band:
        return None
    return Band(value / cov.ceiling, value, value / cov.floor)


def table(s: Scenario, est) -> dict[str, list[float] | None]:
    """[low, typical, high] of every time and throughput of an estimate (for JSON and views);
    None where the scenario is uncalibrated."""
    cov = coverage(s)
    out = {}
    for key in ("decode_tokens_per_s", "total_tokens_per_s", "output_tokens_per_s", "prefill_tokens_per_s"):
        b = speed(getattr(est, key), cov)
        out[key] = [b.low, b.typical, b.high] if b else None
    for key in ("ttft_s", "tpot_s"):
        b = time(getattr(est, key), cov)
        out[key] = [b.low, b.typical, b.high] if b else None
    return out


__all__ = ["Band", "Coverage", "coverage", "speed", "time", "table", "MIN_ROWS", "COVERAGE"]
