"""Results plus the figures of the layers above ``engine`` that the views show: the readouts'
bottleneck sentence (with the does-not-fit advice, a search over devices, formats and batch
sizes), the highway's road, the cost of a text as a prompt. Each is computed
once per scenario and per key (the highway settings, the token count), however many views or
redraws ask; a new scenario gets a new ViewResults, so nothing can go stale.
"""

from __future__ import annotations

from explorer.core.engine.results import Results
from explorer.core.features import tokens
from explorer.core.highway import traffic
from explorer.core.text import report


class ViewResults(Results):
    __slots__ = ()

    @property
    def bottleneck_sentence(self) -> str:
        """What limits speed, or (when it does not fit) what would make it fit."""
        return self.cached("bottleneck", lambda: report.bottleneck_sentence(self.scenario, self.estimate))

    @property
    def fit_advice(self) -> str | None:
        """'needs 93 GiB per device, has 72 GiB usable: 2 devices or INT8 weights would fit';
        None when it fits."""
        est = self.estimate
        return None if est.fits else self.cached("fit", lambda: report.does_not_fit(self.scenario, est))

    def highway(self, lanes: int, closed: int, shared_fraction: float) -> traffic.Road:
        """The scenario's requests on the road the highway settings describe (the serving model)."""
        key = ("highway", lanes, closed, shared_fraction)
        return self.cached(key, lambda: traffic.highway(self.scenario, lanes=lanes, closed=closed,
                                                        shared_fraction=shared_fraction))

    def post_cost(self, count: int) -> tokens.PostCost:
        """The cost of a prompt of ``count`` tokens (the post as input) in this scenario."""
        return self.cached(("post", count), lambda: tokens.post_cost(self.scenario, count))
