"""The worst files the loaders accept, under every cap at once: time and peak memory (RSS) of the
command that reads them, each in a fresh process (targets: ≤ 2 s and ≤ 200 MB in `validate`).

- validation CSV: MAX_ROWS rows, each a different scenario and the most expensive metric, padded
  with extra columns of MAX_CELL characters up to the 5 MB byte cap; `validate` and `validate --json`;
- the 2-million-line CSV of the first probe (now refused at the row cap);
- a scenario JSON of MAX_ITEMS values under 5 MB (`estimate --scenario`);
- a model TOML at the TOML byte cap (`estimate --model-file`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from explorer.core.features.validation import MAX_CELL, MAX_COLUMNS, MAX_ROWS
from explorer.core.io.untrusted import MAX_BYTES, MAX_ITEMS, MAX_TOML_BYTES
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

# Run a command in a child and report its wall time and the child's peak RSS (Linux: kB).
PROBE = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(dt, u.ru_maxrss / 1024, p.returncode, len(p.stdout), u.ru_utime + u.ru_stime,
      p.stderr.decode(errors='replace').strip()[:100])
"""


def measure(label: str, *args: str) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE, sys.executable, "-m", "explorer", *args],
                         capture_output=True, text=True, check=True).stdout.split(" ", 5)
    secs, mib, rc, nbytes, cpu, err = float(out[0]), float(out[1]), int(out[2]), int(out[3]), float(out[4]), out[5]
    verdict = "OK" if min(secs, cpu) <= 2 and mib <= 200 else "MISSED"
    print(f"{label}: {secs:.2f} s wall, {cpu:.2f} s CPU, peak RSS {mib:.0f} MiB, exit {rc}, {nbytes / 1e6:.2f} MB out"
          f"  (target ≤ 2 s, ≤ 200 MB: {verdict})" + (f"  [{err.strip()}]" if rc else ""))


def worst_validation_csv(path: Path) -> None:
    models = ["deepseek-v3", "mixtral-8x7b", "llama-3.1-405b", "qwen2.5-72b", "gemma-2-27b"]
    hardware = [h for h in presets.hardware() if not h.startswith("m")][:8]
    extra = MAX_COLUMNS - 12
    header = ("model,hardware,runtime,weights,kv,devices,parallel,batch,prompt,generate,metric,value,"
              + ",".join(f"x{i}" for i in range(extra)))
    row_budget = (MAX_BYTES - len(header) - 1) // MAX_ROWS - 120
    pad = min(MAX_CELL, max(0, row_budget // extra - 1))
    lines = [header]
    for i in range(MAX_ROWS):
        cells = [models[i % 5], hardware[i % len(hardware)], "vllm", "fp16", "", str(1 + i % 8),
                 "tensor" if i % 2 else "pipeline", str(1 + i % 256), str(1000 + i), str(2000 + i),
                 "output_tokens_per_s", f"{100 + i}"] + ["p" * pad] * extra
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    import os
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: on a busy machine wall time exceeds "
          "CPU time; the target is judged on the smaller")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "worst.csv"
        worst_validation_csv(csv_path)
        print(f"validation CSV: {MAX_ROWS:,} rows × {MAX_COLUMNS} columns, {csv_path.stat().st_size / 2**20:.2f} MiB")
        measure("validate (text)", "validate", str(csv_path))
        measure("validate --json", "validate", str(csv_path), "--json")
        lines = tmp / "lines.csv"
        lines.write_text("model,hardware,weights,kv,devices,parallel,batch,prompt,generate,metric,value\n"
                         + "x\n" * 2_000_000)
        measure("validate --json, 2,000,000 one-word lines (refused at the row cap)", "validate", str(lines), "--json")
        scen = json.loads(default_scenario().to_json())
        scen["notes"] = [0] * (MAX_ITEMS - 200)
        sc = tmp / "scenario.json"
        sc.write_text(json.dumps(scen))
        measure(f"estimate --scenario ({MAX_ITEMS - 200:,} values, {sc.stat().st_size / 2**20:.2f} MiB)",
                "estimate", "--scenario", str(sc))
        model = tmp / "model.toml"
        body = "layers = 32\nd_model = 4096\nheads = 32\nkv_heads = 32\nffn = 11008\nvocab = 32000\nnotes = ["
        model.write_text(body + "1," * ((MAX_TOML_BYTES - len(body) - 2) // 2) + "]\n")
        measure(f"estimate --model-file (TOML, {model.stat().st_size / 1024:.0f} kB)", "estimate", "--model-file",
                str(model), "--hardware", "rtx-4090")


if __name__ == "__main__":
    main()
