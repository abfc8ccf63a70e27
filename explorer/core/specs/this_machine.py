"""'This machine': a hardware preset measured on the user's own computer.

A short micro-benchmark with numpy alone (a few seconds):

- memory bandwidth from large-array copies (2 array passes) and a STREAM-style triad
  a = b + s·c (numpy runs it as two passes, 5 array passes in all), arrays far larger than any
  CPU cache; the best of several repetitions, STREAM's convention (no write-allocate traffic);
- matrix-multiply throughput in FP32 and FP64 through numpy's BLAS (2·n³ FLOPs per product),
  the size grown until one product takes long enough to time;
- memory capacity from the operating system.

These are *achieved* rates, not data-sheet peaks: the preset runs with the ideal runtime by default
(η = 1 on measured figures). The result is saved as JSON beside the app's settings, with its date,
so ``estimate --hardware this-machine`` and the GUI find it.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from explorer.core.io.atomic import WriteError, clean_stale, write_text
from explorer.core.physics.units import rounded
from explorer.core.specs.hardware import HardwareSpec

PRESET_ID = "this-machine"
REPEAT_TOLERANCE = 2.0  # two runs agree within this factor (best-of-5 timings; tests hold it)
NOMINAL_POWER_W = 65.0  # not measurable from Python: a typical desktop CPU package; edit it
ENV_DIR = "INFERENCE_EXPLORER_CONFIG_DIR"
MIN_TFLOPS = 0.001  # the smallest figure a hardware preset takes (a machine busy with other work)


class Cancelled(Exception):
    """The user stopped the measurement."""


@dataclass(frozen=True)
class Measurement:
    copy_gbs: float
    triad_gbs: float
    fp32_tflops: float
    fp64_tflops: float
    memory_gib: float
    cpu: str
    date: str  # ISO 8601, UTC
    seconds: float
    matmul_n: int = 0
    array_mib: int = 0

    @property
    def bandwidth_gbs(self) -> float:
        return max(self.copy_gbs, self.triad_gbs)

    def to_hardware(self) -> HardwareSpec:
        day = self.date[:10]
        how = (f"measured {day} in {self.seconds:.1f} s with numpy: copies and a triad of {self.array_mib} MiB "
               f"arrays (best of several), BLAS products of {self.matmul_n}×{self.matmul_n} matrices")
        return HardwareSpec(
            id=PRESET_ID, name=f"This machine ({self.cpu[:40]}, {day})", memory_gib=round(self.memory_gib, 1),
            bandwidth_gbs=rounded(self.bandwidth_gbs, 3),  # 3 significant figures: 2.24 GB/s stays 2.24, not 2.2
            tflops={"fp32": max(self.fp32_tflops, MIN_TFLOPS), "fp64": max(self.fp64_tflops, MIN_TFLOPS)},
            tdp_w=NOMINAL_POWER_W,
            vendor=platform.system() or "CPU", category="cpu", release=day, source=how,
            sources={"bandwidth_gbs": f"measured: copy {self.copy_gbs:.1f} GB/s, triad {self.triad_gbs:.1f} GB/s "
                                      "(STREAM convention); the larger is used",
                     "tflops": f"measured: numpy BLAS matmul FP32 {self.fp32_tflops * 1e3:.1f} GFLOP/s, "
                               f"FP64 {self.fp64_tflops * 1e3:.1f} GFLOP/s; FP16 falls back to FP32",
                     "memory_gib": "operating system: physical memory",
                     "tdp_w": f"not measured: a nominal {NOMINAL_POWER_W:g} W CPU package (edit it)"})

    def to_dict(self) -> dict:
        return {**asdict(self), "bandwidth_gbs": self.bandwidth_gbs}


def physical_memory_gib() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        pass
    if sys.platform == "win32":
        return _windows_memory_gib()
    return 8.0


def _windows_memory_gib() -> float:
    if sys.platform != "win32":  # (also tells the type checker ctypes.windll exists below)
        return 8.0
    import ctypes

    class _Status(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("rest", ctypes.c_ulonglong * 6)]
    st = _Status()
    st.dwLength = ctypes.sizeof(_Status)
    try:
        ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(st))
    except (AttributeError, OSError):
        return 8.0
    return st.ullTotalPhys / 2**30


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


def _best(fn, reps: int, check) -> float:
    best = float("inf")
    for _ in range(reps):
        check()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _bandwidth(n: int, reps: int, step, check) -> tuple[float, float]:
    """Copy and triad rates (GB/s) over three arrays of n float64 values."""
    a, b, c = np.ones(n), np.full(n, 2.0), np.full(n, 0.5)
    step(0.1, "memory bandwidth: copies")
    t_copy = _best(lambda: np.copyto(a, b), reps, check)
    step(0.3, "memory bandwidth: triad")

    def triad():
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)
    t_triad = _best(triad, reps, check)
    return 2 * n * 8 / t_copy / 1e9, 5 * n * 8 / t_triad / 1e9


def measure(progress: Callable[[float, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None, array_mib: int = 256, reps: int = 5,
            matmul_seconds: float = 0.25) -> Measurement:
    """Run the micro-benchmark. ``progress(fraction, what)`` is called between steps;
    ``cancelled()`` returning True stops it (raises :class:`Cancelled`)."""
    def step(fraction: float, what: str) -> None:
        check()
        if progress:
            progress(fraction, what)

    def check() -> None:
        if cancelled and cancelled():
            raise Cancelled("measurement cancelled")

    start = time.perf_counter()
    mem = physical_memory_gib()
    mib = int(max(16, min(array_mib, mem * 1024 / 16)))  # never more than 1/16 of RAM per array
    n = mib * 2**20 // 8
    step(0.0, f"allocating 3 arrays of {mib} MiB")
    copy_gbs, triad_gbs = _bandwidth(n, reps, step, check)  # the arrays are freed on return
    rates = {}
    for i, dtype in enumerate((np.float32, np.float64)):
        step(0.5 + 0.25 * i, f"matrix multiply ({np.dtype(dtype).name})")
        size = 512  # grow until a product takes long enough to time (best of 2), then best of 5
        warm = np.ones((size, size), dtype=dtype)
        warm @ warm  # starts the BLAS thread pool outside the timings
        while size < 4096:
            x = np.random.default_rng(0).random((size, size)).astype(dtype)
            if _best(lambda: x @ x, 2, check) >= matmul_seconds / 5:
                break
            size *= 2
        x = np.random.default_rng(0).random((size, size)).astype(dtype)
        seconds = _best(lambda: x @ x, 5, check)
        rates[dtype] = 2 * size**3 / seconds / 1e12
    step(1.0, "done")
    return Measurement(copy_gbs=copy_gbs, triad_gbs=triad_gbs, fp32_tflops=rates[np.float32],
                       fp64_tflops=rates[np.float64], memory_gib=mem, cpu=cpu_name(),
                       date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       seconds=time.perf_counter() - start, matmul_n=size, array_mib=mib)


# -- where it is kept -------------------------------------------------------------------------
def config_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    import platformdirs
    return Path(platformdirs.user_config_dir("inference-explorer", appauthor=False))


def saved_path() -> Path:
    return config_dir() / "this-machine.json"


def save(m: Measurement) -> Path:
    """Write the measurement (atomically; a WriteError is one line saying what was kept)."""
    path = saved_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"could not create the folder {path.parent}: {exc.strerror or exc}; nothing was written") \
            from None
    clean_stale(path.parent)
    return write_text(path, json.dumps(m.to_dict(), indent=2))


def load() -> Measurement | None:
    """The saved measurement, or None when there is none (or it cannot be read: wrong types,
    numbers that are not finite or beyond any machine, such as a 400-digit figure)."""
    from explorer.core.io import untrusted
    path = saved_path()
    if not path.exists():
        return None
    try:
        data = untrusted.load(path, lambda d: d, "json")
        if not isinstance(data, dict):
            return None
        m = Measurement(**_checked({k: data[k] for k in Measurement.__dataclass_fields__}))
        m.to_hardware()  # positive figures, or it is not usable
        return m
    except (untrusted.FileRefused, KeyError, TypeError, ValueError, OverflowError):
        return None


def _checked(fields: dict) -> dict:
    """Every figure a finite number in a range real machines have; text fields text."""
    for name, value in fields.items():
        if name in ("cpu", "date"):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be text")
            fields[name] = value[:200]
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number")
        if isinstance(value, int) and abs(value) > 10**15:
            raise ValueError(f"{name} is out of range")
        if not (np.isfinite(value) and 0 <= value <= 1e15):
            raise ValueError(f"{name} is out of range")
    return fields
