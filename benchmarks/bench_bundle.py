"""Figures for the desktop bundle (`make package` first): folder and archive size, and start →
first painted window, warm, from `--self-test` runs. Prints figures; asserts nothing.

Targets: onedir ≤ 175 MiB, .tar.gz ≤ 75 MiB, start → first paint ≤ 1.2 s warm.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "InferenceExplorer"
EXE = BUNDLE / ("InferenceExplorer.exe" if sys.platform == "win32" else "InferenceExplorer")
READY = re.compile(r"ready in (?P<ready>[\d.]+) s \(first paint (?P<paint>[\d.]+) s")
RUNS = 5


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def verdict(value: float, target: float) -> str:
    return "OK" if value <= target else "MISSED"


def main() -> int:
    if not EXE.is_file():
        print(f"bench_bundle: skipped, no bundle at {EXE.relative_to(ROOT)} (run `make package`)")
        return 0
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle folder: {mib(size)}  (target ≤ 175 MiB: {verdict(size / 2**20, 175)})")
    for tgz in sorted((ROOT / "dist").glob("InferenceExplorer-*.tar.gz")):
        print(f"archive {tgz.name}: {mib(tgz.stat().st_size)}  (target ≤ 75 MiB: "
              f"{verdict(tgz.stat().st_size / 2**20, 75)})")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    paints, readies = [], []
    with tempfile.TemporaryDirectory() as home:
        env["HOME"] = home
        for i in range(RUNS + 1):  # the first run warms the page cache and is not counted
            log = Path(home) / f"self-test-{i}.log"  # a windowed Windows build may have no stdout
            env["EXPLORER_SELF_TEST_LOG"] = str(log)
            env["EXPLORER_LAUNCH_TIME"] = repr(time.time())
            proc = subprocess.run([str(EXE), "--self-test"], env=env, capture_output=True, text=True, timeout=120)
            m = READY.search(proc.stdout + (log.read_text(encoding="utf-8") if log.exists() else ""))
            if proc.returncode != 0 or not m:
                print(f"bench_bundle: self-test failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
                return 1
            if i:
                paints.append(float(m["paint"]))
                readies.append(float(m["ready"]))
    p = statistics.median(paints)
    print(f"start → first painted window (warm, offscreen): median {p:.2f} s, max {max(paints):.2f} s, n={RUNS}"
          f"  (target ≤ 1.2 s: {verdict(p, 1.2)})")
    print(f"start → self-test done: median {statistics.median(readies):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
