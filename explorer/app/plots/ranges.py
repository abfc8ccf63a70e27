"""Visible ranges of a plot card: snapped to whole decades (log axes) or 1-2-5 steps (linear),
kept when new data still fills them (so cached axis pictures stay valid), and the filter for
points a plot must never receive."""

from __future__ import annotations

import numpy as np


def nice_ceiling(v: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) that is ≥ v."""
    if v <= 0:
        return 1.0
    k = 10 ** np.floor(np.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * k >= v * (1 - 1e-12):
            return float(m * k)
    return float(10 * k)


def snap(values: np.ndarray, log: bool, headroom: float, floor: float | None) -> tuple[float, float] | None:
    """The range that shows ``values``: whole decades (as log10) on log axes, else from ``floor``
    (or 0, or a round negative) to a round ceiling with ``headroom``. None: nothing to show."""
    values = values[np.isfinite(values)]
    if log:
        values = values[values > 0]
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max()) * headroom
    if log:
        a, b = np.floor(np.log10(lo)), np.ceil(np.log10(hi))
        return float(a), float(max(b, a + 1))
    lo = floor if floor is not None else (0.0 if lo >= 0 else -nice_ceiling(-lo))
    return lo, nice_ceiling(hi) if hi > lo else lo + 1.0


def keep(old: tuple[float, float], new: tuple[float, float], log: bool) -> tuple[float, float]:
    """The old range if the new data fits inside it and still fills enough of it (within one
    decade at each end on log axes, at least 40 % of the height on linear ones)."""
    inside = old[0] <= new[0] and new[1] <= old[1]
    if log:
        snug = new[0] - old[0] <= 1 and old[1] - new[1] <= 1
    else:
        snug = (new[1] - old[0]) >= 0.4 * (old[1] - old[0])
    return old if inside and snug else new


def finite(x: np.ndarray, y: np.ndarray, log_y: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Drop points a plot must never receive: NaN, ±inf, and (on log axes) values ≤ 0."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if log_y:
        ok &= y > 0
    return x[ok], y[ok]
