"""Unit constants and human-readable formatting (one place for both).

Display precision says what the model supports, no more (its held-out error is 10–40 %):
two significant figures for times, speeds, energy and money (``duration``, ``rate``, ``energy``,
``money``); three for bytes and parameter counts (``binary_bytes``, ``count``); ``UNBOUNDED``
instead of a sentinel or overflowing number. Data-sheet inputs (``bandwidth``) keep their
published digits; ``--json`` keeps full precision.

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
    value = rounded(value, digits)  # 999.7 at 3 digits is 1.00 k, not 1,000
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


UNBOUNDED = "unbounded"
HUGE = 1e15  # a speed or count past this is a limit the formulas leave open (nothing bounds it)


def rounded(x: float, digits: int = 2) -> float:
    """``x`` rounded to ``digits`` significant figures (6855.7 -> 6900.0, 0.03417 -> 0.034)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def sig(x: float | None, digits: int = 2) -> str:
    """``digits`` significant figures with thousands separators and no exponent: 6,900; 60; 0.75;
    "unbounded" for infinities and anything past HUGE; "—" for nothing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if not math.isfinite(x) or abs(x) >= HUGE:
        return UNBOUNDED
    r = rounded(float(x), digits)
    if r == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(r)))))
    return f"{r:,.{decimals}f}"


def rate(x: float | None, unit: str = "tokens/s") -> str:
    """A speed at two significant figures: ``rate(6855.7) == "6,900 tokens/s"``."""
    text = sig(x, 2)
    return text if text in ("—", UNBOUNDED) else f"{text} {unit}".strip()


def energy(joules: float | None) -> str:
    """``energy(2.917) == "2.9 J"``; mJ / kJ where they read better (two significant figures)."""
    if joules is None or not math.isfinite(joules):
        return "—"
    return si(rounded(joules, 2), "J", 2)


def money(usd: float | None) -> str:
    """``money(1.2345) == "$1.2"``, ``money(1234) == "$1,200"`` (two significant figures)."""
    if usd is None or not math.isfinite(usd):
        return "—"
    return "$" + sig(usd, 2)


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
    """``duration(0.0123) == "12 ms"`` (two significant figures); minutes and hours for long ones."""
    if seconds is None or math.isnan(seconds):
        return "—"
    if seconds >= HUGE:  # infinity included
        return UNBOUNDED
    if seconds >= 3600:
        return f"{sig(seconds / 3600, 2)} h"
    if seconds >= 60:
        return f"{sig(seconds / 60, 2)} min"
    return si(rounded(seconds, 2), "s", 2)


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


def max_batch(n: int) -> str:
    """The largest batch memory allows: '54', or 'unbounded' where nothing in memory limits it
    (the formulas' sentinel of a million sequences: no KV cache, or none per sequence)."""
    return UNBOUNDED if n >= 1_000_000 else f"{n:,}"
