"""Fit the runtime profiles' fitted parameters to the published measurements and report
in-sample and leave-one-out errors.

    python benchmarks/calibration_report.py            # errors of the shipped runtimes.toml
    python benchmarks/calibration_report.py --fit      # refit, print the fitted values, in-sample
    python benchmarks/calibration_report.py --loo      # leave-one-out: per dataset and device class
    python benchmarks/calibration_report.py --rows     # every row's prediction and error
    python benchmarks/calibration_report.py --table    # per fitted number and runtime: in-sample now, in-sample
        # and leave-one-dataset-out at the last --write (held_out.csv), without refitting (fast)
    python benchmarks/calibration_report.py --write    # leave-one-dataset-out: the fitted-number table,
        # held-out bands and coverage into explorer/data/calibration.toml, every held-out prediction
        # into resources/validation/held_out.csv

The fit minimises Σ |log(predicted / measured)| over the rows of each runtime by coordinate
descent on a multiplicative grid, starting from the PRIORS below (documented, not fitted
values). A parameter the training rows say nothing about stays at its prior: leaving out the
data-center GPUs leaves llama.cpp's data-center figures at the prior, which is the honest
prediction for an unseen device class.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from explorer.core.engine.estimate import estimate
from explorer.core.features.validation import Row, evaluate, predict_value, read_rows, scenario_for, summary
from explorer.core.specs import presets

DATA = Path(__file__).resolve().parents[1] / "resources" / "validation" / "published_measurements.csv"

# (runtime, parameter, key within a table or None): prior, lower bound, upper bound.
# Priors: η_memory 0.8 and η_compute 0.6 (Databricks MBU upper end; typical large-GEMM share),
# no overheads, formats.toml's stream efficiencies, no prefill format cost, M½ = 64.
FITTED = {
    ("llama-cpp-cuda-2023", "eta_memory", "consumer-gpu"): (0.8, 0.3, 1.0),
    ("llama-cpp-cuda-2023", "eta_memory", "datacenter-gpu"): (0.8, 0.3, 1.0),
    ("llama-cpp-cuda-2023", "eta_compute", "consumer-gpu"): (0.6, 0.1, 1.0),
    ("llama-cpp-cuda-2023", "eta_compute", "datacenter-gpu"): (0.6, 0.05, 1.0),
    ("llama-cpp-cuda-2023", "decode_kernel_us", None): (0.5, 0.0, 20.0),
    ("llama-cpp-cuda-2023", "prefill_kernel_us", None): (0.5, 0.0, 100.0),
    ("llama-cpp-cuda-2023", "decode_format", "q8_0"): (0.9, 0.4, 1.0),
    ("llama-cpp-cuda-2023", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-cuda-2023", "prefill_format", "q8_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-cuda-2023", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-cuda", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-cuda", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-metal", "eta_memory", "apple-soc"): (0.8, 0.3, 1.0),
    ("llama-cpp-metal", "eta_compute", "apple-soc"): (0.6, 0.1, 1.0),
    ("llama-cpp-metal", "decode_kernel_us", None): (0.5, 0.0, 20.0),
    ("llama-cpp-metal", "decode_format", "q8_0"): (0.9, 0.4, 1.0),
    ("llama-cpp-metal", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-metal", "prefill_format", "q8_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-metal", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("tensorrt-llm", "eta_memory", "default"): (0.8, 0.3, 1.0),
    ("tensorrt-llm", "eta_compute", "default"): (0.6, 0.1, 1.0),
    ("tensorrt-llm", "gemm_half_tokens", None): (64.0, 0.0, 4096.0),
    ("tensorrt-llm", "prefill_kernel_us", None): (0.5, 0.0, 100.0),
    ("tensorrt-llm", "decode_kernel_us", None): (0.5, 0.0, 25.0),
    ("tensorrt-llm", "kv_read", None): (1.0, 0.2, 1.0),
    # Two-die Ultra chips' barrier per kernel (hardware.toml kernel_sync_us of m1/m2/m3-ultra),
    # fitted on the llama.cpp Metal rows of Ultra chips only; prior: none (a single die).
    ("hardware", "kernel_sync_us", "two-die"): (0.0, 0.0, 50.0),
}
# Parameters one cause sets in two profiles (the same kernels in both llama.cpp CUDA build eras):
# fitted once, on the rows of both. Written to the second profile too.
TIED = {("llama-cpp-cuda-2023", p, k): ("llama-cpp-cuda", p, k) for p, k in (
    ("eta_memory", "consumer-gpu"), ("eta_memory", "datacenter-gpu"), ("eta_compute", "consumer-gpu"),
    ("eta_compute", "datacenter-gpu"), ("prefill_kernel_us", None))}
# Set with their fitted sibling (no rows of their own): Q8_0 in the current llama.cpp CUDA profile.
FOLLOWS = {("llama-cpp-cuda", "prefill_format", "q8_0"): ("llama-cpp-cuda", "prefill_format", "q4_0")}
# K-quants have no rows: each takes its profile's Q4_0 figure (runtimes.toml says so).
FOLLOWS.update({(rid, table, kq): (rid, table, "q4_0")
                for rid in ("llama-cpp-cuda", "llama-cpp-cuda-2023", "llama-cpp-metal")
                for table in ("decode_format", "prefill_format") for kq in ("q4_k_m", "q5_k_m", "q6_k")})
STEPS = (1.5, 1.2, 1.08, 1.03, 1.01)


def get(rt, param, key):
    v = getattr(rt, param)
    return v.get(key, 0.0) if key is not None else v


def put(rt, param, key, value):
    if key is None:
        return replace(rt, **{param: value})
    return replace(rt, **{param: {**getattr(rt, param), key: value}})


class Profiles:
    """Swap runtime parameters in the loaded presets (the script's own copy), and restore."""

    def __init__(self):
        # The shipped tables are read-only mapping proxies: fit on a mutable copy that
        # presets.runtime() reads through while this script runs.
        self.original = dict(presets.runtimes())
        self.table = dict(self.original)
        presets.runtimes = lambda: self.table  # type: ignore[assignment]

    def set(self, values: dict) -> None:
        for target, v in values.items():
            if target[0] == "hardware":
                TWO_DIE[0] = v
                continue
            for rid, param, key in (target, *([TIED[target]] if target in TIED else []),
                                    *[f for f, src in FOLLOWS.items() if src == target]):
                self.table[rid] = put(self.table[rid], param, key, v)

    def current(self) -> dict:
        two_die = TWO_DIE[0] if TWO_DIE[0] is not None else presets.device("m2-ultra").kernel_sync_us
        return {k: (two_die if k[0] == "hardware" else get(self.table[k[0]], k[1], k[2])) for k in FITTED}

    def restore(self) -> None:
        self.table.clear()
        self.table.update(self.original)
        TWO_DIE[0] = None


TWO_DIE: list = [None]  # the Ultra chips' kernel_sync_us while fitting (None: hardware.toml's)


def _two_die(fields: dict) -> bool:
    return bool(presets.device(fields["hardware"]).kernel_sync_us)


_SCENARIOS: dict[int, object] = {}


def _row(fields: dict, index: int) -> Row:
    """``validation.evaluate`` for a calibration row, with its Scenario built once (the fit predicts
    each row thousands of times; the runtime profile is looked up at every estimate, so swapping
    profiles still takes effect)."""
    key = id(fields)
    if key not in _SCENARIOS:
        row = evaluate(fields, index)
        if row.reason:
            return row
        _SCENARIOS[key] = (scenario_for(fields), float(fields["value"]), row.runtime)
    s, measured, runtime = _SCENARIOS[key]
    if TWO_DIE[0] is not None and s.hardware.kernel_sync_us:
        s = s.with_(hardware=replace(s.hardware, kernel_sync_us=TWO_DIE[0]))
    return Row(index=index, fields=fields, metric=fields["metric"], measured=measured,
               predicted=predict_value(estimate(s), fields["metric"]), runtime=runtime)


def predict(fields_list: list[dict]) -> list[Row]:
    return [_row(f, i) for i, f in enumerate(fields_list, start=1)]


def loss(rows: list[Row]) -> float:
    return sum(abs(math.log(r.predicted / r.measured)) for r in rows if r.error is not None and r.predicted > 0)


def fit(profiles: Profiles, train: list[dict]) -> dict:
    """Coordinate descent from the priors; each runtime's parameters on its own rows."""
    values = {k: prior for k, (prior, _lo, _hi) in FITTED.items()}
    profiles.set(values)
    by_runtime: dict[str, list[dict]] = {}
    for r in predict(train):
        if r.runtime:
            by_runtime.setdefault(r.runtime, []).append(r.fields)
    for step in STEPS:
        for _sweep in range(3):
            moved = False
            for key, (_prior, lo, hi) in FITTED.items():
                rows = by_runtime.get(key[0], []) + (by_runtime.get(TIED[key][0], []) if key in TIED else [])
                if key[0] == "hardware":
                    rows = [f for f in by_runtime.get("llama-cpp-metal", []) if _two_die(f)]
                if not rows:
                    continue
                best, best_loss = values[key], loss(predict(rows))
                for cand in _candidates(values[key], step, lo, hi):
                    profiles.set({key: cand})
                    cand_loss = loss(predict(rows))
                    if cand_loss < best_loss - 1e-9:
                        best, best_loss, moved = cand, cand_loss, True
                values[key] = best
                profiles.set({key: best})
            if not moved:
                break
    return values


def _candidates(v, step, lo, hi):
    if v <= 0:
        return [x for x in (1.0, 5.0) if lo <= x <= hi]
    out = [v * step, v / step]
    if lo == 0:
        out.append(0.0)
    return [min(max(x, lo), hi) for x in out]


def table(rows: list[Row], title: str) -> None:
    s = summary(rows)
    print(f"\n{title}: {s['predicted']} of {s['rows']} rows predicted")
    for key, st in s["by_metric_runtime"].items():
        print(f"  {key:48} n={st['n']:3}  median |err| {st['median_abs_error']:6.1%}  p90 {st['p90_abs_error']:6.1%}"
              f"  median signed {st['median_signed_error']:+6.1%}")
    by_format: dict[str, list[float]] = {}
    for r in rows:
        if r.error is not None:
            by_format.setdefault(f"{r.metric} · {r.fields.get('weights', '')}", []).append(abs(r.error))
    for key, errs in sorted(by_format.items()):
        print(f"    format {key:41} n={len(errs):3}  median |err| {np.median(errs):6.1%}  p90 {np.percentile(errs, 90):6.1%}")
    if "all" in s:
        a = s["all"]
        print(f"  {'all':48} n={a['n']:3}  median |err| {a['median_abs_error']:6.1%}  p90 {a['p90_abs_error']:6.1%}")


def groups(fields_list: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in fields_list:
        out.setdefault(f"dataset {f.get('dataset', '?')}", []).append(f)
        cat = presets.device(f["hardware"]).category
        out.setdefault(f"device class {cat}", []).append(f)
    return out


def leave_one_out(profiles: Profiles, fields_list: list[dict]) -> list[Row]:
    held_all: list[Row] = []
    for name, held in groups(fields_list).items():
        train = [f for f in fields_list if f not in held]
        fit(profiles, train)
        rows = predict(held)
        held_all += rows if name.startswith("dataset") else []
        table(rows, f"left out {name} (fit on {len(train)} rows)")
    return held_all


SPEED = ("decode_tokens_per_s", "prefill_tokens_per_s", "output_tokens_per_s")
HELD_OUT = DATA.with_name("held_out.csv")
CALIBRATION = Path(__file__).resolve().parents[1] / "explorer" / "data" / "calibration.toml"


def speed_ratio(metric: str, measured: float, predicted: float) -> float:
    """measured ÷ modelled as a speed: > 1 when the real run was faster (times are inverted)."""
    return measured / predicted if metric in SPEED else predicted / measured


def held_out(profiles: Profiles, fields_list: list[dict]) -> tuple[dict, dict]:
    """Every row predicted by a fit without its dataset: {id(fields): prediction}, and each
    fold's fitted values {dataset: {key: value}}."""
    preds, folds = {}, {}
    for ds in sorted({f.get("dataset", "?") for f in fields_list}):
        train = [f for f in fields_list if f.get("dataset", "?") != ds]
        folds[ds] = fit(profiles, train)
        for r in predict([f for f in fields_list if f.get("dataset", "?") == ds]):
            preds[id(r.fields)] = r.predicted
        print(f"  fitted without {ds}", file=sys.stderr)
    return preds, folds


def identifying_rows(profiles: Profiles, fields_list: list[dict], shipped: dict) -> dict:
    """Rows whose prediction moves (> 0.1 %) when one fitted number moves −10 %: what identifies it."""
    profiles.set(shipped)
    base = {id(r.fields): r.predicted for r in predict(fields_list)}
    out = {}
    for key, v in shipped.items():
        profiles.set({key: (v * 0.9 if v else 1.0)})
        out[key] = [r.fields for r in predict(fields_list)
                    if r.predicted and base[id(r.fields)] and abs(r.predicted / base[id(r.fields)] - 1) > 1e-3]
        profiles.set({key: v})
    return out


def _pct(errs) -> str:
    return f"{np.median(errs):6.1%} / {np.percentile(errs, 90):6.1%}" if len(errs) else "     — /      —"


def write(profiles: Profiles, fields_list: list[dict]) -> None:
    shipped = profiles.current()
    rows = predict(fields_list)
    in_sample = {id(r.fields): r for r in rows}
    preds, folds = held_out(profiles, fields_list)
    profiles.restore()
    profiles.set(shipped)
    ident = identifying_rows(profiles, fields_list, shipped)
    profiles.restore()

    print("\nfitted numbers: shipped value, range over the leave-one-dataset-out fits, the rows that identify")
    print("it, and their |error| in-sample and held out (median / p90)")
    for key, v in shipped.items():
        vals = [folds[d][key] for d in folds]
        idr = ident[key]
        ins = [abs(in_sample[id(f)].error) for f in idr if in_sample[id(f)].error is not None]
        held = [abs(preds[id(f)] / float(f["value"]) - 1) for f in idr if preds.get(id(f))]
        sets = ",".join(sorted({f.get("dataset", "?")[:2].rstrip("_") for f in idr}))
        name = f"{key[0]} {key[1]}{'.' + key[2] if key[2] else ''}"
        print(f"  {name:46} {v:8.4g}  [{min(vals):7.3g} – {max(vals):7.3g}]  rows {len(idr):3} ({sets:11})"
              f"  in-sample {_pct(ins)}  held out {_pct(held)}")

    print("\nper metric · runtime: in-sample and leave-one-dataset-out |error| (median / p90)")
    by: dict[str, list] = {}
    for r in rows:
        if r.error is not None:
            by.setdefault(f"{r.metric} · {r.runtime}", []).append(r)
    for k, rs in sorted(by.items()):
        ins = [abs(r.error) for r in rs]
        held = [abs(preds[id(r.fields)] / r.measured - 1) for r in rs if preds.get(id(r.fields))]
        print(f"  {k:48} n={len(rs):3}  in-sample {_pct(ins)}  held out {_pct(held)}")
    allr = [r for r in rows if r.error is not None]
    print(f"  {'all':48} n={len(allr):3}  in-sample {_pct([abs(r.error) for r in allr])}  held out "
          f"{_pct([abs(preds[id(r.fields)] / r.measured - 1) for r in allr if preds.get(id(r.fields))])}")
    with HELD_OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("line,dataset,runtime,hardware,model,weights,metric,measured,in_sample,held_out\n")
        for i, r in enumerate(rows, start=2):
            f = r.fields
            fh.write(f"{i},{f.get('dataset', '')},{r.runtime},{f['hardware']},{f['model']},{f['weights']},{r.metric},"
                     f"{r.measured:.6g},{r.predicted:.6g},{preds[id(f)]:.6g}\n")
    _write_calibration(rows, preds)
    print(f"\nwrote {HELD_OUT} and {CALIBRATION}")


def error_table(profiles: Profiles, fields_list: list[dict]) -> None:
    """The --write table without the refits: in-sample errors of the shipped profiles now, and the
    in-sample and held-out predictions stored by the last --write (resources/validation/held_out.csv,
    one line per calibration row in order). A change that moves no calibrated prediction leaves the
    two in-sample columns equal."""
    import csv
    stored = list(csv.DictReader(HELD_OUT.open(encoding="utf-8")))
    rows = predict(fields_list)
    if len(stored) != len(rows):
        raise SystemExit(f"{HELD_OUT} has {len(stored)} rows, the calibration set {len(rows)}: run --write")
    then = {id(r.fields): float(st["in_sample"]) for r, st in zip(rows, stored)}
    held = {id(r.fields): float(st["held_out"]) for r, st in zip(rows, stored)}
    shipped = profiles.current()
    ident = identifying_rows(profiles, fields_list, shipped)
    profiles.restore()

    def errs(rs, table=None):
        return [abs((table[id(r.fields)] if table else r.predicted) / r.measured - 1) for r in rs
                if r.error is not None]

    print("|error| median / p90: in-sample now | in-sample at the last --write | leave-one-dataset-out (last --write)")
    print("\nper fitted number (its identifying rows: predictions that move when it moves 10 %)")
    by_id = {id(r.fields): r for r in rows}
    for key, v in shipped.items():
        rs = [by_id[id(f)] for f in ident[key]]
        name = f"{key[0]} {key[1]}{'.' + key[2] if key[2] else ''}"
        print(f"  {name:46} {v:8.4g} rows {len(rs):3}  {_pct(errs(rs))} | {_pct(errs(rs, then))} | {_pct(errs(rs, held))}")
    print("\nper metric · runtime")
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(f"{r.metric} · {r.runtime}", []).append(r)
    for k, rs in sorted(by.items()) + [("all", rows)]:
        print(f"  {k:48} n={len(rs):3}  {_pct(errs(rs))} | {_pct(errs(rs, then))} | {_pct(errs(rs, held))}")


def _write_calibration(rows: list[Row], preds: dict) -> None:
    from explorer.core.specs.calibration import MIN_ROWS, generation
    lines = ["# What each runtime's calibration rows cover, and its band (explorer/core/specs/calibration.py).",
             "# Written by `python benchmarks/calibration_report.py --write` from resources/validation/",
             "# published_measurements.csv; do not edit by hand. floor / ceiling: 10th / 90th percentile of",
             "# measured ÷ modelled speed, each row predicted by a fit without its dataset (leave-one-dataset-out;",
             "# per row in resources/validation/held_out.csv). No band below " + f"{MIN_ROWS} rows.", ""]
    by_rt: dict[str, list[Row]] = {}
    for r in rows:
        by_rt.setdefault(r.runtime, []).append(r)
    for rid, rs in sorted(by_rt.items()):
        ratios = [speed_ratio(r.metric, r.measured, preds[id(r.fields)]) for r in rs]
        metrics: dict[str, int] = {}
        for r in rs:
            metrics[r.metric] = metrics.get(r.metric, 0) + 1
        hw = [presets.device(r.fields["hardware"]) for r in rs]
        lines += [f"[{rid}]", f"rows = {len(rs)}",
                  "metric_rows = { " + ", ".join(f"{k} = {v}" for k, v in sorted(metrics.items())) + " }",
                  "device_classes = [" + ", ".join(f'"{c}"' for c in sorted({h.category for h in hw})) + "]",
                  "generations = [" + ", ".join(f'"{g}"' for g in sorted({generation(h.id) for h in hw})) + "]",
                  f"max_devices = {max(int(r.fields.get('devices') or 1) for r in rs)}",
                  f"max_prompt = {max(int(r.fields.get('prompt') or 0) for r in rs)}",
                  "weight_formats = [" + ", ".join(f'"{w}"' for w in sorted({r.fields.get("weights") or "fp16"
                                                                             for r in rs})) + "]"]
        if len(rs) >= MIN_ROWS:
            lines += [f"floor = {np.percentile(ratios, 10):.3f}", f"ceiling = {np.percentile(ratios, 90):.3f}",
                      'basis = "leave-one-dataset-out, 10th-90th percentile of measured / modelled speed"']
        lines.append("")
    CALIBRATION.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--loo", action="store_true")
    ap.add_argument("--rows", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--table", action="store_true",
                    help="in-sample (now, and at the last --write) and held-out errors per fitted number and "
                         "runtime, from held_out.csv: no refit")
    ap.add_argument("csv", nargs="?", default=str(DATA))
    a = ap.parse_args(argv)
    fields_list = read_rows(Path(a.csv).read_text(encoding="utf-8"))
    profiles = Profiles()
    try:
        if a.write:
            write(profiles, fields_list)
            return 0
        if a.table:
            error_table(profiles, fields_list)
            return 0
        if a.fit:
            values = fit(profiles, fields_list)
            print("fitted values:")
            for (rid, param, key), v in values.items():
                print(f"  {rid:16} {param}{'.' + key if key else '':28} {v:9.4g}")
        rows = predict(fields_list)
        table(rows, "in-sample (shipped profiles)" if not a.fit else "in-sample (refitted)")
        if a.rows:
            for r in rows:
                f = r.fields
                print(f"{f.get('dataset', '')[:4]:5}{f['model']:11}{f['hardware']:15}{f['weights']:9}b{f['batch']:>5} "
                      f"p{f['prompt']:>5} g{f['generate']:>5} {r.metric:22}{r.measured:10.2f}{r.predicted or float('nan'):10.2f} "
                      f"{(r.error or 0):+7.1%}")
        if a.loo:
            pooled = leave_one_out(profiles, fields_list)
            table(pooled, "leave-one-DATASET-out, pooled over the held-out predictions")
    finally:
        profiles.restore()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
