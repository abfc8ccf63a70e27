"""Headless command line over ``explorer.core`` (never imports Qt).

    inference-explorer list models|hardware|formats|runtimes [--json]
    inference-explorer estimate --model llama-2-7b --hardware rtx-4090 --weights q4_0 ...
    inference-explorer estimate ... --runtime vllm --batch max --explain
    inference-explorer sweep --model ... --hardware ... --vary prompt=1:32768 --csv out.csv
    inference-explorer validate measurements.csv [--json]
    inference-explorer serve --model ... --hardware ... --concurrency 64 [--requests N] (see cli_serve.py)

Bad input exits with status 2 and one line on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys

from .core.specs import presets
from .core.io import untrusted
from .core.state.appstate import AppState
from .core.io.atomic import WriteError, write_text
from .core.state.edit_rules import weights_changes
from .core.engine.estimate import Estimate, estimate, saturated
from .core.specs.hardware import HardwareError
from .core.specs.model import SpecError
from .core.specs.model_import import load_model_file
from .core.text.report import plain_report
from .core.state.scenario import LIMITS, Scenario, ScenarioError
from .gui_options import SCENARIO_HELP
from .core.features.validation import COLUMNS as VALIDATION_COLUMNS
from .core.text.printable import one_line

EXIT_USAGE = 2
EXIT_FAILED = 1  # the input was fine, the write was not (full disk, read-only folder)
SWEEPABLE = ("prompt", "generate", "batch", "devices")


class UsageError(Exception):
    """One line for the user; exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + error
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    from .gui_options import gui_help, version_text

    p = _Parser(prog="inference-explorer", description="Why LLM inference gets expensive, in numbers. "
                "With a command it runs headless; without one the desktop app starts.",
                epilog=gui_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=version_text())
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ls = sub.add_parser("list", help="list preset models, hardware or number formats")
    ls.add_argument("what", choices=("models", "hardware", "formats", "runtimes"))
    ls.add_argument("--json", action="store_true", help="machine-readable output")

    for name, helptext in (("estimate", "estimate one scenario"), ("sweep", "vary one input, write CSV")):
        e = sub.add_parser(name, help=helptext)
        _scenario_args(e)
        if name == "estimate":
            e.add_argument("--json", action="store_true", help="print a JSON object")
            e.add_argument("--explain", action="store_true",
                           help="show each readout's formula, inputs with their sources, and its band")
        else:
            e.add_argument("--vary", required=True, metavar="FIELD=LO:HI",
                           help=f"one of {', '.join(SWEEPABLE)}, e.g. prompt=1:32768")
            e.add_argument("--points", type=int, default=64, help="log-spaced points (default 64)")
            e.add_argument("--csv", required=True, metavar="FILE", help="output CSV ('-' for stdout)")
    ms = sub.add_parser("measure", help="measure this computer (memory bandwidth, BLAS FLOP/s; a few seconds) "
                        "and save it as the 'this-machine' hardware preset")
    ms.add_argument("--json", action="store_true", help="print the measurement as JSON")
    from .cli_serve import add_parser as add_serve
    add_serve(sub, _scenario_args)
    v = sub.add_parser("validate", help="compare the model with measurements in a CSV file")
    v.add_argument("file", metavar="FILE.csv", help="columns: " + ", ".join(VALIDATION_COLUMNS))
    v.add_argument("--json", action="store_true", help="print one JSON object with a 'rows' list")
    return p


def _scenario_args(e: argparse.ArgumentParser) -> None:
    src = e.add_mutually_exclusive_group()
    src.add_argument("--model", help="model preset ID (see 'list models')")
    src.add_argument("--model-file", metavar="FILE", help="a model architecture: this app's JSON/TOML fields, or a "
                     "Hugging Face config.json (Llama, Mistral, Mixtral, Qwen2, Gemma-2, Phi-3, GPT-2)")
    src.add_argument("--scenario", "--scenario-file", dest="scenario", metavar="FILE", help=SCENARIO_HELP)
    e.add_argument("--hardware", help="hardware preset ID (see 'list hardware')")
    e.add_argument("--devices", type=int)
    e.add_argument("--parallel", choices=("tensor", "pipeline"))
    e.add_argument("--weights", help="weight format (default fp16)")
    e.add_argument("--kv", help="KV-cache format (default: FP16, or the weight format for fp32/bf16)")
    e.add_argument("--compute", help="compute format (default: the weight format when it is a float, else fp16)")
    e.add_argument("--runtime", help="runtime profile ID (see 'list runtimes'; default: per hardware category)")
    e.add_argument("--batch", type=_batch_arg, help="sequences decoded together, or 'max' (largest that fits and "
                   "the runtime schedules)")
    e.add_argument("--prompt", type=int)
    e.add_argument("--generate", type=int)
    e.add_argument("--no-kv-cache", action="store_true", help="re-run the whole prefix for every token")
    e.add_argument("--price-per-hour", type=float, metavar="USD", help="price per device-hour")
    e.add_argument("--eta-compute", type=float, help="achieved share of peak FLOP/s (default per hardware)")
    e.add_argument("--eta-memory", type=float, help="achieved share of peak bandwidth (default per hardware)")


def _batch_arg(text: str):
    if text.strip().lower() == "max":
        return "max"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--batch wants a whole number or 'max' (got '{text}')") from None


def scenario_from_args(a: argparse.Namespace) -> Scenario:
    if a.scenario:
        base = AppState.from_file(a.scenario).scenario
        fields = {}
    else:
        if not (a.model or a.model_file):
            raise UsageError("give --model ID, --model-file FILE or --scenario FILE")
        if not a.hardware:
            raise UsageError("give --hardware ID (see 'inference-explorer list hardware')")
        base = None
        fields = {"model": presets.model(a.model) if a.model else load_model_file(a.model_file)}
    if a.model and base is not None:
        fields["model"] = presets.model(a.model)
    if a.hardware:
        fields["hardware"] = presets.device(a.hardware)
    weights = a.weights or (base.weights if base else "fp16")
    presets.number_format(weights)
    # KV and compute follow the weights by the GUI's rule (explorer.core.state.edit_rules).
    start = base or Scenario(model=fields["model"], hardware=fields["hardware"])
    fields.update(weights_changes(start.weights, start.kv, start.compute, weights))
    for role in ("kv", "compute"):
        if getattr(a, role):
            fields[role] = getattr(a, role)
    for name in ("devices", "parallel", "batch", "prompt", "generate", "price_per_hour", "eta_compute", "eta_memory",
                 "runtime"):
        v = getattr(a, name)
        if v is not None and not (name == "batch" and v == "max"):
            fields[name] = v
    if a.no_kv_cache:
        fields["kv_cache"] = False
    s = base.with_(**fields) if base is not None else Scenario(**fields)
    return saturated(s) if a.batch == "max" else s


# -- commands --------------------------------------------------------------------------------
def cmd_list(a: argparse.Namespace) -> int:
    table = {"models": presets.models, "hardware": presets.hardware, "formats": presets.formats,
             "runtimes": presets.runtimes}[a.what]()
    if a.json:
        print(json.dumps({k: v.to_dict() if hasattr(v, "to_dict") else vars(v) for k, v in table.items()},
                         indent=2, ensure_ascii=False, default=list))
        return 0
    for key, v in table.items():
        print(f"{key:18} {_list_line(a.what, v)}")
    return 0


def _list_line(what: str, v) -> str:
    from .core.physics.units import si
    if what == "models":
        return f"{v.name:28} {si(v.params_total, 'params')}"
    if what == "hardware":
        mark = " unified" if v.unified_memory else ""
        return f"{v.name:40} {v.memory_gib:g} GiB{mark}, {v.bandwidth_gbs:g} GB/s"
    if what == "runtimes":
        default = f"  default on {', '.join(v.default_for)}" if v.default_for else ""
        rows = f"  serving: {v.serving_rows} calibration rows" if v.batching == "continuous" and not v.ideal else ""
        return f"{v.name:30} {v.description[:70]}{default}{rows}"
    return f"{v.name:22} {v.bits_per_weight:g} bits/weight  ({', '.join(v.roles)})"


def cmd_estimate(a: argparse.Namespace) -> int:
    from .core.engine.bands import coverage
    from .core.engine.bands import table as band_table
    from .core.text.explain import explain, explain_text
    s = scenario_from_args(a)
    est = estimate(s)
    if a.json:
        d = _json_safe(est.to_dict())
        d["bands"] = band_table(s, est)
        d["calibration"] = coverage(s).to_dict()
        if a.explain:
            d["explain"] = {k: e.text() for k, e in explain(s).items()}
        print(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        print(plain_report(s, est))
        if a.explain:
            print()
            print(explain_text(s))
    return 0


def cmd_measure(a: argparse.Namespace) -> int:
    from .core.specs import this_machine

    def progress(fraction: float, what: str) -> None:
        if not a.json:
            print(f"  {fraction:4.0%}  {what}", file=sys.stderr)
    m = this_machine.measure(progress)
    try:
        where, unsaved = str(this_machine.save(m)), ""
    except WriteError as exc:
        where, unsaved = None, one_line(str(exc))
    if a.json:
        print(json.dumps({**m.to_dict(), "saved": where, **({"not_saved": unsaved} if unsaved else {})}, indent=2))
    else:
        hw = m.to_hardware()
        print(f"{hw.name}\n  memory bandwidth  {m.copy_gbs:,.1f} GB/s copy, {m.triad_gbs:,.1f} GB/s triad\n"
              f"  matrix multiply   {m.fp32_tflops * 1e3:,.1f} GFLOP/s FP32, {m.fp64_tflops * 1e3:,.1f} GFLOP/s FP64 "
              f"(numpy BLAS, n = {m.matmul_n})\n  memory            {m.memory_gib:,.1f} GiB")
        if where:
            print(f"saved to {where}; use it with --hardware {this_machine.PRESET_ID}")
    if unsaved:
        print(f"inference-explorer: error: the measurement above was not saved: {unsaved}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def cmd_validate(a: argparse.Namespace) -> int:
    from .core.features.validation import ValidationFileError, summary, validate_text
    from .core.features.validation_report import text_report
    try:
        rows = validate_text(untrusted.read_text(a.file))
    except ValidationFileError as exc:
        raise UsageError(f"{a.file}: {exc}") from None
    if a.json:
        print(json.dumps({"file": a.file, "summary": summary(rows), "rows": [r.to_dict() for r in rows]},
                         indent=2, ensure_ascii=False))
    else:
        print(text_report(rows))
    return 0


def _json_safe(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def parse_vary(text: str) -> tuple[str, int, int]:
    try:
        field, rng = text.split("=", 1)
        lo_s, hi_s = rng.split(":", 1)
        lo, hi = int(float(lo_s)), int(float(hi_s))
    except (ValueError, OverflowError):
        raise UsageError(f"--vary wants FIELD=LO:HI with whole numbers, e.g. prompt=1:32768 (got '{text}')") from None
    if field not in SWEEPABLE:
        raise UsageError(f"--vary can sweep {', '.join(SWEEPABLE)} (got '{field}')")
    lo_lim, hi_lim = LIMITS[field]
    if not (lo_lim <= lo < hi <= hi_lim):
        raise UsageError(f"--vary {field} range must satisfy {lo_lim:,.0f} ≤ LO < HI ≤ {hi_lim:,.0f} (got {lo}:{hi})")
    return field, lo, hi


def sweep_values(lo: int, hi: int, points: int) -> list[int]:
    """Log-spaced whole numbers from lo to hi (linear from 0 when lo is 0), duplicates removed."""
    import numpy as np

    from .core.engine.series import distinct
    start = max(lo, 1)
    vals = [int(v) for v in distinct(np.round(np.geomspace(start, hi, points)))]
    return ([0] if lo == 0 else []) + vals


def cmd_sweep(a: argparse.Namespace) -> int:
    field, lo, hi = parse_vary(a.vary)
    if not 2 <= a.points <= 100_000:
        raise UsageError("--points must be between 2 and 100000")
    from dataclasses import fields

    from .core.engine.sweep import estimate_sweep
    base = scenario_from_args(a)
    values = sweep_values(lo, hi, a.points)
    names = [f.name for f in fields(Estimate)]  # flat figures: no deep copy (asdict) per row
    rows = []
    for v, est in zip(values, estimate_sweep(base, field, values)):  # one vectorized pass
        row = _json_safe({n: getattr(est, n) for n in names})
        row["warnings"] = "; ".join(row["warnings"])
        rows.append({field: v, **row})
    return write_csv_rows(rows, a.csv)


def write_csv_rows(rows: list[dict], dest: str) -> int:
    """Rows as CSV to stdout (``-``) or a file (atomically; a failed write is one line, EXIT_FAILED)."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    if dest == "-":
        sys.stdout.write(buf.getvalue())
        return 0
    try:
        write_text(dest, buf.getvalue())
    except WriteError as exc:
        print(f"inference-explorer: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {len(rows)} rows to {dest}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command: output escaped and encoding-proof, Ctrl+C and a dead stdout one line each."""
    from .terminal import guarded
    return guarded(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    try:
        a = build_parser().parse_args(argv)
        from .cli_serve import cmd_serve
        return {"list": cmd_list, "estimate": cmd_estimate, "sweep": cmd_sweep, "serve": cmd_serve,
                "validate": cmd_validate, "measure": cmd_measure}[a.command](a)
    except (UsageError, ScenarioError, SpecError, HardwareError, presets.UnknownPreset, untrusted.FileRefused) as exc:
        print(f"inference-explorer: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


__all__ = ["main", "Estimate"]
