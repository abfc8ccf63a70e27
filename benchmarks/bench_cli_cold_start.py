"""CLI `estimate` cold start: a fresh process, end to end (target ≤ 300 ms)."""

from __future__ import annotations

import subprocess
import sys
import time

from _util import summary


def main() -> None:
    cmd = [sys.executable, "-m", "explorer", "estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--json"]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the OS file cache
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    print(summary("CLI estimate cold start (python -m explorer estimate --json)", times, target_ms=300))


if __name__ == "__main__":
    main()
