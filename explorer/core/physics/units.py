"""Unit constants and human-readable formatting (one place for both).

Conventions used across the core:
- bytes are plain bytes; ``GB`` is 1e9 bytes (bandwidths, data-sheet "GB/s"),
  ``GiB`` is 2**30 bytes (DRAM/HBM capacities, which vendors market as "GB");
- throughputs are FLOP/s (or OP/s for integer formats); data files hold TFLOPS;
- times are seconds, energies joules, powers watts.
"""

from __future__ import annotations

import math

KiB = 1024
MiB = 1024**2
GiB = 1024**3
KB = 1e3
MB = 1e6
GB = 1e9
TB = 1e12
TFLOPS = 1e12

_SI = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")]
_SI_SMALL = [(1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")]


def si(value: float | None, unit: str = "", digits: int = 3) -> str:
    """Format ``value`` with an SI prefix, e.g. ``si(1.35e10, "B") == "13.5 GB"``."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return f"0 {unit}".strip()
    mag = abs(value)
    table = _SI if mag >= 1 else _SI_SMALL
    for scale, prefix in table:
        if mag >= scale:
            break
    else:
        scale, prefix = table[-1]
    return f"{_sig(value / scale, digits)} {prefix}{unit}".strip()


def _sig(x: float, digits: int) -> str:
    """``digits`` significant figures, without a trailing '.0' mess for big numbers."""
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def si_digits(x: float, digits: int = 2) -> str:
    """``digits`` significant figures, no prefix: ``si_digits(0.7512) == "0.75"``."""
    if x is None or not math.isfinite(x):
        return "—"
    return _sig(x, digits)


def count(value: float) -> str:
    """Large counts in words people read aloud: 1.0 million, 10.5 billion."""
    if value is None or not math.isfinite(value):
        return "—"
    for scale, word in ((1e15, "quadrillion"), (1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            digits = _sig(value / scale, 3)
            if "." in digits:
                digits = digits.rstrip("0").rstrip(".")
            return f"{digits} {word}"
    return f"{value:,.0f}"


def duration(seconds: float) -> str:
    """``duration(0.0123) == "12.3 ms"``; minutes and hours for long ones."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h"
    if seconds >= 60:
        return f"{seconds / 60:.3g} min"
    return si(seconds, "s")


def bandwidth(bytes_per_s: float) -> str:
    """Data-sheet style: ``bandwidth(1.008e12) == "1,008 GB/s"`` (GB/s up to 100 TB/s)."""
    if bytes_per_s is None or not math.isfinite(bytes_per_s):
        return "—"
    gbs = bytes_per_s / GB
    if gbs >= 100_000:
        return si(bytes_per_s, "B/s")
    return f"{_sig(gbs, 4 if gbs >= 1000 else 3)} GB/s"


def binary_bytes(n: float) -> str:
    """Capacities and cache sizes the way they are usually quoted: 512 KiB, 24 GiB."""
    if n is None or not math.isfinite(n):
        return "—"
    for scale, unit in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if abs(n) >= scale:
            return f"{_sig(n / scale, 3)} {unit}"
    return f"{n:,.0f} B"
