"""Fit the runtime profiles' fitted parameters to the published measurements and report
in-sample and leave-one-out errors.

    python benchmarks/calibration_report.py            # errors of the shipped runtimes.toml
    python benchmarks/calibration_report.py --fit      # refit, print the fitted values, in-sample
    python benchmarks/calibration_report.py --loo      # leave-one-out: per dataset and device class
    python benchmarks/calibration_report.py --rows     # every row's prediction and error

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

from explorer.core.features.validation import Row, evaluate, read_rows, summary
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
    ("llama-cpp-cuda-2023", "decode_layer_us", None): (10.0, 0.0, 200.0),
    ("llama-cpp-cuda-2023", "prefill_layer_us", None): (10.0, 0.0, 2000.0),
    ("llama-cpp-cuda-2023", "decode_format", "q8_0"): (0.9, 0.4, 1.0),
    ("llama-cpp-cuda-2023", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-cuda-2023", "prefill_format", "q8_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-cuda-2023", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-cuda", "decode_layer_us", None): (10.0, 0.0, 200.0),
    ("llama-cpp-cuda", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-cuda", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-metal", "eta_memory", "apple-soc"): (0.8, 0.3, 1.0),
    ("llama-cpp-metal", "eta_compute", "apple-soc"): (0.6, 0.1, 1.0),
    ("llama-cpp-metal", "decode_layer_us", None): (10.0, 0.0, 200.0),
    ("llama-cpp-metal", "decode_format", "q8_0"): (0.9, 0.4, 1.0),
    ("llama-cpp-metal", "decode_format", "q4_0"): (0.75, 0.4, 1.0),
    ("llama-cpp-metal", "prefill_format", "q8_0"): (1.0, 0.3, 2.0),
    ("llama-cpp-metal", "prefill_format", "q4_0"): (1.0, 0.3, 2.0),
    ("tensorrt-llm", "eta_memory", "default"): (0.8, 0.3, 1.0),
    ("tensorrt-llm", "eta_compute", "default"): (0.6, 0.1, 1.0),
    ("tensorrt-llm", "gemm_half_tokens", None): (64.0, 0.0, 4096.0),
    ("tensorrt-llm", "prefill_layer_us", None): (10.0, 0.0, 2000.0),
    ("tensorrt-llm", "decode_layer_us", None): (10.0, 0.0, 500.0),
    ("tensorrt-llm", "kv_read", None): (1.0, 0.2, 1.0),
    ("tensorrt-llm", "link_efficiency", None): (1.0, 0.05, 1.0),
}
# Parameters one cause sets in two profiles (the same kernels in both llama.cpp CUDA build eras):
# fitted once, on the rows of both. Written to the second profile too.
TIED = {("llama-cpp-cuda-2023", p, k): ("llama-cpp-cuda", p, k) for p, k in (
    ("eta_memory", "consumer-gpu"), ("eta_memory", "datacenter-gpu"), ("eta_compute", "consumer-gpu"),
    ("eta_compute", "datacenter-gpu"), ("prefill_layer_us", None))}
# Set with their fitted sibling (no rows of their own): Q8_0 in the current llama.cpp CUDA profile.
FOLLOWS = {("llama-cpp-cuda", "prefill_format", "q8_0"): ("llama-cpp-cuda", "prefill_format", "q4_0")}
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
        self.table = presets.runtimes()
        self.original = dict(self.table)

    def set(self, values: dict) -> None:
        for target, v in values.items():
            for rid, param, key in (target, *([TIED[target]] if target in TIED else []),
                                    *[f for f, src in FOLLOWS.items() if src == target]):
                self.table[rid] = put(self.table[rid], param, key, v)

    def current(self) -> dict:
        return {k: get(self.table[k[0]], k[1], k[2]) for k in FITTED}

    def restore(self) -> None:
        self.table.clear()
        self.table.update(self.original)


def predict(fields_list: list[dict]) -> list[Row]:
    return [evaluate(f, i) for i, f in enumerate(fields_list, start=1)]


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


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--loo", action="store_true")
    ap.add_argument("--rows", action="store_true")
    ap.add_argument("csv", nargs="?", default=str(DATA))
    a = ap.parse_args(argv)
    fields_list = read_rows(Path(a.csv).read_text(encoding="utf-8"))
    profiles = Profiles()
    try:
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
