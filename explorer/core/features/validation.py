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


MAX_ROWS = 1_000  # the largest published set is ~420 rows; each row is one estimate (~1 ms)
MAX_COLUMNS = 32  # 12 used; a few more (source, notes) are kept
MAX_CELL = 500  # characters in one cell (a source URL fits)
VALUE_RANGE = (1e-6, 1e12)  # a measured tokens/s or ms outside it is a typo or a unit error


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
        err = self.predicted / self.measured - 1.0
        return err if math.isfinite(err) else None

    def to_dict(self) -> dict:
        return {"row": self.index, **{k: self.fields.get(k, "") for k in COLUMNS}, "runtime_used": self.runtime,
                "measured": self.measured, "predicted": self.predicted, "error": self.error,
                "reason": self.reason or None, "notes": self.notes,
                "source": self.fields.get("source", "")}


def read_rows(text: str) -> list[dict]:
    """Parse CSV text; the header must hold every column of ``COLUMNS`` except ``runtime``
    (missing: each device's default runtime). The cost is bounded by the caps, not only by the
    file's size: at most ``MAX_ROWS`` data rows, ``MAX_COLUMNS`` columns and ``MAX_CELL`` characters
    a cell; a duplicated column, a stray or unbalanced quote is refused (strict CSV), never guessed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        _check_header(header)
        for cells in reader:
            if not cells or cells == [""]:
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationFileError(f"more than {MAX_ROWS:,} data rows; at most {MAX_ROWS:,} are read "
                                          "(split the file)")
            if len(cells) > len(header):
                raise ValidationFileError(f"line {reader.line_num}: {len(cells)} cells, but the header has "
                                          f"{len(header)} columns")
            for name, cell in zip(header, cells):
                if len(cell) > MAX_CELL:
                    raise ValidationFileError(f"line {reader.line_num}, column {name[:40]}: {len(cell):,} "
                                              f"characters (at most {MAX_CELL})")
            rows.append({k: v.strip() for k, v in zip(header, cells)} | {k: "" for k in header[len(cells):]})
    except csv.Error as exc:
        raise ValidationFileError(f"not valid CSV (line {reader.line_num}: {exc}; a quote may be unbalanced)") \
            from None
    return rows


def _check_header(header: list[str]) -> None:
    if len(header) > MAX_COLUMNS:
        raise ValidationFileError(f"{len(header)} columns; at most {MAX_COLUMNS}")
    for h in header:
        if len(h) > MAX_CELL:
            raise ValidationFileError(f"a column name of {len(h):,} characters (at most {MAX_CELL})")
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise ValidationFileError(f"duplicate column(s): {', '.join(twice)}; each column may appear once")
    missing = [c for c in COLUMNS if c not in header and c != "runtime"]
    if missing:
        raise ValidationFileError(f"missing column(s): {', '.join(missing)} (need {', '.join(COLUMNS)})")


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


def predict_value(est, metric: str) -> float | None:
    """The figure ``metric`` names, from an Estimate."""
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
        row.reason = f"value must be a number (got {_shown(fields.get('value', ''))})"
        return row
    lo, hi = VALUE_RANGE
    if not (math.isfinite(row.measured) and lo <= row.measured <= hi):
        row.reason = f"value must be a number from {lo:g} to {hi:g} (got {_shown(fields.get('value', ''))})"
        row.measured = None
        return row
    if row.metric not in METRICS:
        row.reason = f"unknown metric {row.metric!r} (one of {', '.join(METRICS)})"
        return row
    try:
        s = scenario_for(fields)
        est = estimate(s)
        row.predicted = predict_value(est, row.metric)
    except (ScenarioError, presets.UnknownPreset, ValueError, OverflowError) as exc:
        row.reason = str(exc)
        return row
    row.runtime = est.runtime
    if row.predicted is None:
        row.reason = f"{row.metric} needs {'prompt' if 'prefill' in row.metric else 'generate'} > 0"
    elif not math.isfinite(row.predicted):
        row.reason = f"the model gives no finite {row.metric} for this row"
        row.predicted = None
    elif not est.fits:
        row.notes.append("the model says this does not fit in memory")
    return row


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


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
