"""One Results object per scenario: every figure the views show, each computed once.

The GUI's store keeps one for the live scenario and one for the pinned scenario (A/B
compare); every view reads from it, so the readouts, the comparison bars and the plots never
compute the same estimate twice. A Results is tied to one immutable Scenario, so its cache
can never go stale.
"""

from __future__ import annotations

from typing import Any, Callable

from explorer.core.engine import series
from explorer.core.engine.estimate import Estimate, estimate
from explorer.core.state.scenario import Scenario


class Results:
    __slots__ = ("scenario", "_memo")

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self._memo: dict[Any, Any] = {}

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per Results under ``key`` (hashable: everything the value
        depends on besides the scenario). Layers above engine add their figures through it
        (``features.view_results``)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    @property
    def estimate(self) -> Estimate:
        """``estimate(scenario)``; raises ScenarioError like it (not cached then)."""
        return self.cached("estimate", lambda: estimate(self.scenario))

    @property
    def memory_traffic(self) -> series.MemoryTraffic:
        return self.cached("memory", lambda: series.memory_traffic(self.scenario))

    @property
    def roofline(self) -> series.Roofline:
        return self.cached("roofline", lambda: series.roofline(self.scenario))

    @property
    def compute_growth(self) -> dict:
        return self.cached("compute", lambda: series.compute_growth(self.scenario, series.length_grid(self.scenario)))

    def compare_devices(self, devices: tuple[str, ...] = series.COMPARE_DEVICES) -> list[series.DeviceResult]:
        devices = tuple(devices)
        return self.cached(("compare", devices), lambda: series.compare_devices(self.scenario, devices))
