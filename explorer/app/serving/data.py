"""One steady-state curve per scenario, shared by the Serving cards, the highway and the readouts.

The curve spans the core's default load points, which do not depend on the scenario's own load:
dragging the load slider reuses the cached curve and only the operating point moves. Nothing
here computes a figure; it remembers what ``explorer.core.serving`` returned."""

from __future__ import annotations

from dataclasses import dataclass, replace
import numpy as np

from ...core import serving
from ...core.state.scenario import Scenario

CURVE_POINTS = 64


@dataclass(frozen=True)
class ServingData:
    scenario: Scenario  # as asked (its own load is the operating point)
    loads: np.ndarray
    curve: serving.ServingCurve
    knee: serving.Knee  # refined by the core (finer than the curve's grid)
    point: serving.ServingPoint  # the steady state at the scenario's load


def load_free(s: Scenario) -> Scenario:
    """The scenario with its load set aside: the key of everything the load does not change."""
    return replace(s, load=1.0)  # dataclasses.replace: no re-validation (1 is valid for both kinds)


_CACHE: list[tuple[Scenario, tuple]] = []  # (load-free scenario, (loads, curve, knee)), newest first
CACHE_SIZE = 16  # a Scenario holds dicts (not hashable): compared by value, newest first


def _curve(key: Scenario) -> tuple[np.ndarray, serving.ServingCurve, serving.Knee]:
    for i, (k, v) in enumerate(_CACHE):
        if k == key:
            if i:
                _CACHE.insert(0, _CACHE.pop(i))
            return v
    loads = serving.default_loads(key, CURVE_POINTS)
    value = (loads, serving.curve(key, loads), serving.knee(key))
    _CACHE.insert(0, (key, value))
    del _CACHE[CACHE_SIZE:]
    return value


_POINTS: list[tuple[Scenario, serving.ServingPoint]] = []  # the last few operating points (a drag: 4 cards + readout)


def _point(s: Scenario) -> serving.ServingPoint:
    for k, v in _POINTS:
        if k is s or k == s:
            return v
    p = serving.steady(s)
    _POINTS.insert(0, (s, p))
    del _POINTS[4:]
    return p


def serving_data(s: Scenario) -> ServingData:
    loads, c, k = _curve(load_free(s))
    return ServingData(s, loads, c, k, _point(s))


def clear() -> None:
    _CACHE.clear()
    _POINTS.clear()
