"""Predicted vs measured: evaluate the model on rows of published (or your own) measurements.

A validation file is a CSV with the columns ``COLUMNS`` (extra columns are kept, not used).
``metric`` is one of ``METRICS``:

decode_tokens_per_s   per sequence, averaged over generating ``generate`` tokens from context ``prompt``
prefill_tokens_per_s  batch · prompt ÷ time to first token
ttft_ms               time to first token (the prefill of the whole batch)
tpot_ms               mean time per output token after the first
output_tokens_per_s   the whole job: batch · generate ÷ (prefill + every decode step), all devices

Every row comes back: with a prediction and its signed error (predicted ÷ measured − 1), or with
the reason it could not be predicted.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.state.edit_rules import following_formats
from explorer.core.state.scenario import Scenario, ScenarioError

COLUMNS = ("model", "hardware", "runtime", "weights", "kv", "devices", "parallel", "batch", "prompt",
           "generate", "metric", "value")
METRICS = ("decode_tokens_per_s", "prefill_tokens_per_s", "ttft_ms", "tpot_ms", "output_tokens_per_s")
# Names runtimes are published under -> profile IDs ("llama.cpp" depends on the device).
ALIASES = {"llama.cpp": None, "llamacpp": None, "llama-cpp": None, "trt-llm": "tensorrt-llm",
           "trtllm": "tensorrt-llm", "tensorrt_llm": "tensorrt-llm", "hf": "transformers",
           "pytorch": "transformers", "mlx-lm": "mlx"}


class ValidationFileError(ValueError):
    """A file that is not a validation CSV (one line for a person)."""


@dataclass
class Row:
    index: int  # 1-based data row number (header is row 0)
    fields: dict
    metric: str = ""
    measured: float | None = None
    predicted: float | None = None
    runtime: str = ""
    reason: str = ""  # why it could not be predicted ("" when it was)
    notes: list = field(default_factory=list)

    @property
    def error(self) -> float | None:
        """Signed relative error: predicted ÷ measured − 1."""
        if self.predicted is None or not self.measured:
            return None
        return self.predicted / self.measured - 1.0

    def to_dict(self) -> dict:
        return {"row": self.index, **{k: self.fields.get(k, "") for k in COLUMNS}, "runtime_used": self.runtime,
                "measured": self.measured, "predicted": self.predicted, "error": self.error,
                "reason": self.reason or None, "notes": self.notes,
                "source": self.fields.get("source", "")}


def read_rows(text: str) -> list[dict]:
    """Parse CSV text; the header must hold every column of ``COLUMNS`` except ``runtime``
    (missing: each device's default runtime)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS if c not in header and c != "runtime"]
        if missing:
            raise ValidationFileError(f"missing column(s): {', '.join(missing)} (need {', '.join(COLUMNS)})")
        reader.fieldnames = header
        return [{k: (v if isinstance(v, str) else "").strip() for k, v in r.items() if k is not None} for r in reader]
    except csv.Error as exc:
        raise ValidationFileError(f"not valid CSV (line {reader.line_num}: {exc})") from None


def _int(fields: dict, name: str, default: int | None = None) -> int:
    text = fields.get(name, "")
    if text == "" and default is not None:
        return default
    try:
        v = float(text)
    except ValueError:
        raise ScenarioError(f"{name} must be a whole number (got {text!r})") from None
    if not math.isfinite(v) or v != int(v):
        raise ScenarioError(f"{name} must be a whole number (got {text!r})")
    return int(v)


def runtime_id(name: str, hardware) -> str | None:
    """The profile ID for a runtime as published ('llama.cpp' on a Mac is llama.cpp Metal)."""
    key = name.strip().lower()
    if not key:
        return None
    if key in ALIASES:
        alias = ALIASES[key]
        if alias is None:
            return "llama-cpp-metal" if hardware.category == "apple-soc" else "llama-cpp-cuda"
        return alias
    return key


def scenario_for(fields: dict) -> Scenario:
    """The Scenario a row describes (raises ScenarioError / UnknownPreset with the reason)."""
    hw = presets.device(fields["hardware"])
    weights = fields.get("weights") or "fp16"
    kv_default, compute = following_formats(weights)
    return Scenario(
        model=presets.model(fields["model"]), hardware=hw, weights=weights,
        kv=fields.get("kv") or kv_default, compute=fields.get("compute") or compute,
        devices=_int(fields, "devices", 1), parallel=fields.get("parallel") or "tensor",
        batch=_int(fields, "batch", 1), prompt=_int(fields, "prompt"), generate=_int(fields, "generate"),
        runtime=runtime_id(fields.get("runtime", ""), hw))


def predict_value(s: Scenario, metric: str) -> float | None:
    est = estimate(s)
    return {
        "decode_tokens_per_s": est.decode_tokens_per_s,
        "prefill_tokens_per_s": est.prefill_tokens_per_s,
        "ttft_ms": est.ttft_s * 1e3,
        "tpot_ms": est.tpot_s * 1e3 if est.tpot_s else None,
        "output_tokens_per_s": est.output_tokens_per_s,
    }[metric]


def evaluate(fields: dict, index: int) -> Row:
    row = Row(index=index, fields=fields, metric=fields.get("metric", ""))
    try:
        row.measured = float(fields.get("value", ""))
    except ValueError:
        row.reason = f"value must be a number (got {fields.get('value')!r})"
        return row
    if not (row.measured > 0 and math.isfinite(row.measured)):
        row.reason = f"value must be a finite positive number (got {row.measured:g})"
        return row
    if row.metric not in METRICS:
        row.reason = f"unknown metric {row.metric!r} (one of {', '.join(METRICS)})"
        return row
    try:
        s = scenario_for(fields)
        row.predicted = predict_value(s, row.metric)
        est = estimate(s)
    except (ScenarioError, presets.UnknownPreset, ValueError) as exc:
        row.reason = str(exc)
        return row
    row.runtime = est.runtime
    if row.predicted is None:
        row.reason = f"{row.metric} needs {'prompt' if 'prefill' in row.metric else 'generate'} > 0"
    elif not est.fits:
        row.notes.append("the model says this does not fit in memory")
    return row


def validate_text(text: str) -> list[Row]:
    return [evaluate(f, i) for i, f in enumerate(read_rows(text), start=1)]


def _stats(errors: list[float]) -> dict:
    a = np.abs(np.asarray(errors, dtype=np.float64))
    return {"n": int(a.size), "median_abs_error": float(np.median(a)), "p90_abs_error": float(np.percentile(a, 90)),
            "median_signed_error": float(np.median(errors))}


def summary(rows: list[Row]) -> dict:
    """Median and 90th-percentile |error| per metric, per runtime and per hardware."""
    done = [(r, r.error) for r in rows if r.error is not None]
    out: dict = {"rows": len(rows), "predicted": len(done), "unpredicted": len(rows) - len(done)}
    for key, name in (("metric", lambda r: r.metric), ("runtime", lambda r: r.runtime),
                      ("hardware", lambda r: r.fields.get("hardware", "")),
                      ("metric_runtime", lambda r: f"{r.metric} · {r.runtime}")):
        groups: dict[str, list[float]] = {}
        for r, error in done:
            groups.setdefault(name(r), []).append(error)
        out[f"by_{key}"] = {k: _stats(v) for k, v in sorted(groups.items())}
    if done:
        out["all"] = _stats([error for _r, error in done])
    return out
