"""Small timing helpers shared by the benchmark scripts (they print figures; nothing asserts)."""

from __future__ import annotations

import statistics
import time


def timeit(fn, repeat: int = 20) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(name: str, seconds: list[float], target_ms: float | None = None) -> str:
    ms = sorted(s * 1e3 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    line = f"{name}: median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, n={len(ms)}"
    if target_ms is not None:
        line += f"  (target ≤ {target_ms:g} ms: {'OK' if p95 <= target_ms else 'MISSED'})"
    return line
