"""Cost of one step-cost evaluation: µs per warm ``estimate()`` (one scenario, every readout: the scalar
path, engine/point.py) — the same scenario again and again, and a fresh scenario per call (500
prompt lengths; then 500 prompt and generation lengths, more than the sample-grid cache holds, so
every call also rebuilds its grid) — of the ``resolve()`` inside it and of the same estimate through the vectorized
pass functions (``estimate_vectorized``, what ``estimate()`` ran before the scalar path), per call
of the mixed-batch step function on one point (engine/step.py), and per table read of the simulation
(StepTable.decode / .mixed). The planner and the simulation call the step cost 10⁴–10⁶ times.

Timings on a shared machine move with other processes' load, so ``--instructions`` also counts
instructions per call with valgrind's callgrind (slow: a minute; instructions do not depend on load):
the count of a run with N calls minus one with 0 calls, ÷ N.

    .venv/bin/python benchmarks/bench_step_cost.py [--instructions] [--only estimate]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])  # measure the tree this script is in, not the installed one
SETUP = f"""
import sys
sys.path.insert(0, {ROOT!r})
from explorer.core.state.scenario import Scenario
from explorer.core.specs import presets
from explorer.core.engine.estimate import estimate
from explorer.core.engine.resolved import resolve
from explorer.core.engine.step import mixed_step_time, StepTable
from explorer.core.engine.sweep import estimate_vectorized
s = Scenario(model=presets.model('llama-3.1-8b'), hardware=presets.device('h100-sxm'), runtime='vllm')
r = resolve(s)
prompts = [s.with_(prompt=100 + 97 * i) for i in range(500)]
lengths = [s.with_(prompt=100 + 97 * i, generate=200 + 13 * i) for i in range(500)]
tab = StepTable(r, 256, 4096)
estimate(s); mixed_step_time(r, 512, 32, 1500); tab.decode(64, 1500.0); tab.mixed(512, 32, 1500.0, 0.0)
"""
CALLS = {"estimate()": "estimate(s)", "estimate(), a new prompt length per call": "estimate(prompts[_ % 500])",
         "estimate(), new prompt and generation lengths per call": "estimate(lengths[_ % 500])",
         "resolve() (inside estimate)": "resolve(s)",
         "estimate_vectorized() (numpy path)": "estimate_vectorized(s)", "mixed_step_time (one point)": "mixed_step_time(r, 512, 32, 1500)",
         "StepTable.decode": "tab.decode(64, 1500.0)", "StepTable.mixed (memoised)": "tab.mixed(512, 32, 1500.0, 0.0)"}


def per_call_us(stmt: str, env: dict, n: int) -> tuple[float, float]:
    code = compile(f"for _ in range({n}): {stmt}", "<bench>", "exec")
    w0, c0 = time.perf_counter(), time.process_time()
    exec(code, env)
    return (time.perf_counter() - w0) / n * 1e6, (time.process_time() - c0) / n * 1e6


def instructions(stmt: str, n: int) -> float | None:
    def run(k: int) -> int | None:
        prog = SETUP + f"\nfor _ in range({k}): {stmt}\n"
        p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                            prog], capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", p.stderr)
        return int(m.group(1)) if m else None
    a, b = run(0), run(n)
    return None if a is None or b is None else (b - a) / n


def main() -> None:
    env: dict = {}
    exec(SETUP, env)
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    calls = {name: stmt for name, stmt in CALLS.items() if name.startswith(only)}
    for name, stmt in calls.items():
        n = 1000 if name.startswith("estimate") else 3000
        wall, cpu = per_call_us(stmt, env, n)
        print(f"{name}: {wall:.1f} µs wall, {cpu:.1f} µs CPU per call (n={n})")
    if "--instructions" in sys.argv:
        for name, stmt in calls.items():
            ins = instructions(stmt, 500 if "Table" not in name else 20000)
            print(f"{name}: {ins:,.0f} instructions per call (callgrind)" if ins else f"{name}: valgrind not available")


if __name__ == "__main__":
    main()
