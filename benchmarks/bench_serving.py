"""Serving-model speed: the steady-state curve (64 load points, target ≤ 20 ms), a discrete-event run
of 10,000 requests (target ≤ 1 s) and the deployment search (≥ 500 candidates, target ≤ 2 s).

Prints wall-clock AND process CPU time: on a shared machine the wall clock includes other processes'
turns; CPU time is this process's own work."""

from __future__ import annotations

import statistics

import numpy as np
import time

from explorer.core import serving
from explorer.core.serving import planner
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def clock(fn, repeat: int) -> tuple[float, float]:
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def line(name: str, wall: float, cpu: float, target_s: float) -> str:
    ok = "OK" if cpu <= target_s else "MISSED"
    return f"{name}: wall {wall * 1e3:.1f} ms, CPU {cpu * 1e3:.1f} ms  (target ≤ {target_s * 1e3:g} ms CPU: {ok})"


def main() -> None:
    s = Scenario(model=presets.model("llama-3.1-8b"), hardware=presets.device("h100-sxm"), runtime="vllm",
                 prompt=1024, generate=256, load=64)
    loads = np.geomspace(1.0, 1024.0, 64)
    print(line(f"steady-state curve, {len(loads)} load points", *clock(lambda: serving.curve(s, loads), 10), 0.020))
    rate = s.with_(load_kind="rate", load=12.0)
    print(line("discrete-event simulation, 10,000 requests (open loop, 12 req/s)",
               *clock(lambda: serving.simulate(rate, requests=10_000, seed=1), 3), 1.0))
    print(line("discrete-event simulation, 10,000 requests (closed loop, 64 clients)",
               *clock(lambda: serving.simulate(s, requests=10_000, seed=1), 3), 1.0))
    target = Scenario(model=presets.model("llama-3.1-70b"), hardware=presets.device("h100-sxm"), prompt=1024,
                      generate=256, slo_ttft_ms=2000.0, slo_tpot_ms=50.0)
    n = len(planner.candidates(target))
    print(line(f"deployment search, {n} candidate setups", *clock(lambda: planner.plan(target), 3), 2.0))


if __name__ == "__main__":
    main()
