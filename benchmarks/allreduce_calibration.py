"""All-reduce calibration: the tensor-parallel rows (TP > 1) of both calibration sets, before and after.

Rows: the TensorRT-LLM 0.9 static-batching rows with devices > 1 (resources/validation/
published_measurements.csv: throughput and batch-1 first-token latency, Llama-2-70B on A100 / H100 /
H200 SXM and L40S PCIe) and the serving rows with tp_size > 1 (resources/validation/
serving_aic_llama31_h100_h200.csv: TPOT and TTFT, vLLM / SGLang / TensorRT-LLM on H100 / H200 SXM;
TensorRT-LLM's TTFT at concurrency ≤ 16 left out as in serving_calibration.py).

The link's constants are named fabric figures (hardware.toml): one hop of NCCL's ring all-reduce on
NVLink/NVSwitch and on PCIe, the custom one-shot all-reduce's latency on NVLink, and each fabric's
large-message bus efficiency. Prints the
errors as shipped, fits four of them on all these rows (a coordinate search from the sourced values, minimising the mean |log(model ÷
measured)|), and leaves one group out (a GPU, an engine): fit on the rest,
predict it.

Run on a tree that still has the runtimes' single ``link_efficiency`` (before this model), it fits
that one number instead, with the same rows and groups — the "before" tables.

    .venv/bin/python benchmarks/allreduce_calibration.py [--no-fit]
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import serving_calibration as sc  # noqa: E402

from explorer.core.engine.estimate import estimate  # noqa: E402
from explorer.core.features.validation import predict_value, read_rows, scenario_for  # noqa: E402
from explorer.core.specs import presets  # noqa: E402
from explorer.core.specs.hardware import HardwareSpec  # noqa: E402

STATIC = ROOT / "resources" / "validation" / "published_measurements.csv"
NVSWITCH = ("a100-40gb-sxm", "a100-80gb-sxm", "h100-sxm", "h200", "b200")
PCIE = ("a100-80gb-pcie", "h100-pcie", "l40s")
NEW = "oneshot_allreduce_us" in {f.name for f in fields(HardwareSpec)}
# The named constants and their grids (µs): new model — NVSwitch ring hop, NVSwitch one-shot, PCIe ring hop.
# (The PCIe hop stays at its sourced 3 µs: only the six L40S rows, all NCCL-ring, see it, next to its bus efficiency.)
GRID = ({"nvs_eff": [0.4, 0.5, 0.6, 0.8], "pcie_eff": [0.3, 0.55], "nvs_oneshot": [3.0, 6.0, 10.0, 15.0],
         "nvs_hop": [1.6, 3.0]} if NEW else
        {"link_efficiency": [0.2, 0.3, 0.35, 0.41, 0.5, 0.6, 0.8, 1.0]})


def static_rows() -> list[dict]:
    rs = read_rows(STATIC.read_text(encoding="utf-8"))
    return [dict(f, group_engine="trtllm", group_gpu=f["hardware"], group_model=f["model"], group_set="static")
            for f in rs if int(f.get("devices") or 1) > 1]


def serving_rows() -> list[dict]:
    return [dict(r, group_engine=r["engine"], group_gpu=r["gpu"], group_model=r["model"], group_set="serving")
            for r in sc.rows() if r["tp"] > 1]


class Constants:
    """Swap the named constants into the loaded presets for one evaluation."""

    def __init__(self):
        self.devices, self.runtimes = presets.device, presets.runtimes
        self.table = dict(self.runtimes())

    def set(self, c: dict) -> None:
        if NEW:
            def device(name, _orig=self.devices):
                hw = _orig(name)
                if hw.id in NVSWITCH:
                    return replace(hw, interconnect_latency_us=c["nvs_hop"], oneshot_allreduce_us=c["nvs_oneshot"],
                                   allreduce_bus_efficiency=c["nvs_eff"])
                if hw.id in PCIE:
                    return replace(hw, interconnect_latency_us=c["pcie_hop"], allreduce_bus_efficiency=c["pcie_eff"])
                return hw
            presets.device = device
        else:
            table = dict(self.table)
            for rid in ("tensorrt-llm", "vllm", "sglang"):
                table[rid] = replace(table[rid], link_efficiency=c["link_efficiency"])
            presets.runtimes = lambda: table

    def restore(self) -> None:
        presets.device, presets.runtimes = self.devices, self.runtimes


def shipped() -> dict:
    if NEW:
        h, p = presets.device("h100-sxm"), presets.device("l40s")
        return {"nvs_hop": h.interconnect_latency_us, "nvs_oneshot": h.oneshot_allreduce_us,
                "pcie_hop": p.interconnect_latency_us, "nvs_eff": h.allreduce_bus_efficiency,
                "pcie_eff": p.allreduce_bus_efficiency}
    return {"link_efficiency": presets.runtime("tensorrt-llm").link_efficiency}


def predict(static: list[dict], serving: list[dict], c: dict, k: Constants) -> list[tuple[dict, str, float, float]]:
    """(row, metric, measured, model) for every usable row-metric."""
    k.set(c)
    try:
        out = []
        for f in static:
            s = scenario_for(f)
            if NEW:
                s = s.with_(hardware=presets.device(s.hardware.id))
            out.append((f, f["metric"], float(f["value"]), float(predict_value(estimate(s), f["metric"]))))
        if serving:
            defaults = {rt: {p: float(getattr(presets.runtime(rt), p)) for p in sc.PARAMS}
                        for rt in sc.ENGINES.values()}
            tt, tp = sc.predict(serving, defaults)
            for r, a, b in zip(serving, tt, tp):
                out.append((r, "tpot", r["tpot"], float(b)))
                if not sc.caveat(r):
                    out.append((r, "ttft", r["ttft"], float(a)))
        return out
    finally:
        k.restore()


def loss(pred) -> float:
    return float(np.mean([abs(np.log(m / x)) for _, _, x, m in pred]))


def fit(static, serving, k: Constants) -> dict:
    """Coordinate search over GRID from the sourced values (hardware.toml as shipped), one sweep."""
    best = shipped()
    best_loss = loss(predict(static, serving, best, k))
    for _ in range(1):
        for name, values in GRID.items():
            for v in values:
                trial = {**best, name: v}
                val = loss(predict(static, serving, trial, k))
                if val < best_loss - 1e-9:
                    best, best_loss = trial, val
    return best


def _fold(job: tuple) -> tuple:
    key, v = job
    static, serving, k = static_rows(), serving_rows(), Constants()
    cv = fit([r for r in static if r[key] != v], [r for r in serving if r[key] != v], k)
    test = predict([r for r in static if r[key] == v], [r for r in serving if r[key] == v], cv, k)
    return key, v, cv, [(dict(group_set=r["group_set"], group_engine=r["group_engine"]), m, x, y) for r, m, x, y in test]


def line(name: str, pred) -> str:
    def pct(rows):
        e = np.array([abs(m / x - 1) for *_, x, m in rows])
        return f"{100 * np.median(e):5.1f} % / {100 * np.percentile(e, 90):5.1f} %" if e.size else "    –  /    –  "
    cols = []
    for label, keep in (("static", lambda r, m: r["group_set"] == "static"),
                        ("serving TPOT", lambda r, m: m == "tpot"), ("serving TTFT", lambda r, m: m == "ttft")):
        rows = [p for p in pred if keep(p[0], p[1])]
        cols.append(f"{len(rows):3d} {pct(rows)}")
    return f"| {name:<26} | " + " | ".join(cols) + " |"


HEADER = ("| rows                       | static n, median / p90 | serving TPOT n, median / p90 | "
          "serving TTFT n, median / p90 |\n|---|---|---|---|")


def by_engine(pred) -> list[tuple[str, list]]:
    return [("all", pred)] + [(f"  {e}", [p for p in pred if p[0]["group_engine"] == e])
                              for e in ("trtllm", "vllm", "sglang")]


def main(argv: list[str]) -> int:
    static, serving = static_rows(), serving_rows()
    k = Constants()
    model = "latency + size/bandwidth per fabric" if NEW else "one link_efficiency per runtime"
    print(f"Model: {model}. Rows with TP > 1: {len(static)} static, {len(serving)} serving.")
    c0 = shipped()
    print(f"\nAs shipped {c0}  (|model ÷ measured − 1|):\n{HEADER}")
    pred = predict(static, serving, c0, k)
    for name, p in by_engine(pred):
        print(line(name, p))
    if "--no-fit" in argv:
        return 0
    c = fit(static, serving, k)
    print(f"\nFitted on all these rows: {c}\n{HEADER}")
    pred = predict(static, serving, c, k)
    for name, p in by_engine(pred):
        print(line(name, p))
    print(f"\nLeave one group out (fit the constants without it, predict it):\n{HEADER}")
    held: list = []
    jobs = [(key, v) for key in ("group_gpu", "group_engine") for v in sorted({r[key] for r in static + serving})]
    with ProcessPoolExecutor(max_workers=2) as pool:
        for key, v, cv, test in pool.map(_fold, jobs):
            if key == "group_engine":
                held += test
            print(line(f"without {v}", test), cv, flush=True)
    print("\nLeave one engine out, pooled per engine:")
    for name, p in by_engine(held):
        print(line(name, p))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
