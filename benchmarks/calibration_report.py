"""Compare the estimator with the llama.cpp calibration set and print per-row errors.

    python benchmarks/calibration_report.py [path/to/llamacpp_llama2_7b.csv]

Hardware IDs like ``m2-ultra-60c`` (a chip's smaller GPU variant) are derived from the plain
chip preset by scaling its FP32/FP16 peak with the GPU-core count and taking the bandwidth
from the row. Prints the median and worst |error| per metric.
"""

from __future__ import annotations

import csv
import re
import statistics
import sys
from pathlib import Path

from explorer.core import presets
from explorer.core.estimate import estimate
from explorer.core.scenario import Scenario

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "calibration" / "llamacpp_llama2_7b.csv"


def device_for(row: dict) -> object:
    hw_id = row["hardware"]
    m = re.fullmatch(r"(.+)-(\d+)c", hw_id)
    if not m:
        return presets.device(hw_id)
    base = presets.device(m.group(1))
    cores = int(m.group(2))
    scale = cores / base.gpu_cores if base.gpu_cores else 1.0
    return base.edited(tflops={k: v * scale for k, v in base.tflops.items()},
                       bandwidth_gbs=float(row["bandwidth_GBps"]), gpu_cores=cores)


def main(path: Path) -> int:
    errors: dict[str, list[float]] = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            s = Scenario(model=presets.model(row["model"]), hardware=device_for(row),
                         weights=row["weights"], kv=row["kv"], batch=int(row["batch"]),
                         prompt=int(row["prompt"]), generate=int(row["generate"]))
            est = estimate(s).to_dict()
            got = est[row["metric"]]
            err = got / float(row["value"]) - 1
            errors.setdefault(f'{row["metric"]} {row["weights"]}', []).append(err)
            print(f'{row["hardware"]:16} {row["weights"]:5} {row["metric"]:22} measured {float(row["value"]):9.2f} '
                  f'model {got:9.2f} ({err:+.0%})')
    print()
    for key, errs in sorted(errors.items()):
        print(f"{key:32} n={len(errs):3}  median {statistics.median(errs):+.1%}  "
              f"median |err| {statistics.median(map(abs, errs)):.1%}  worst {max(errs, key=abs):+.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
