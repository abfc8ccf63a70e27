"""Figures written out by hand, for tests that read a number off the screen."""

import math


def two_sig(x: float) -> str:
    """Two significant figures with thousands separators: 1,331 -> "1,300"; 4,777.2 -> "4,800"; 0.386 -> "0.39"."""
    d = 1 - math.floor(math.log10(abs(x)))  # decimals to keep (negative: round to tens, hundreds…)
    r = round(x, d)
    d = 1 - math.floor(math.log10(abs(r)))  # again after rounding: 0.0996 -> 0.10, 9.96 -> 10
    return f"{round(r, d):,.{max(0, d)}f}"
