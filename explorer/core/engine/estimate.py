"""Time, throughput, fit and cost of one Scenario: :func:`estimate`, every figure the readouts and
the CLI report, on plain floats (``point.py``, ~20× faster than numpy on single numbers).

The vectorized pass functions that plots, sweeps and the device comparison call live in
``passes.py`` (re-exported here for callers); ``sweep.py`` runs many points through them, and
``assembly.py`` builds the :class:`Estimate` for both, so the two paths cannot drift apart.
"""

from __future__ import annotations

from explorer.core.engine.assembly import BOUND_NAMES, Estimate, scenario_warnings
from explorer.core.engine.passes import (
    decode_step_parts,
    decode_step_time,
    first_token,
    mean_decode,
    prefill_parts,
    sequences_per_pass,
)
from explorer.core.engine.point import estimate_point
from explorer.core.engine.resolved import resolve
from explorer.core.state.scenario import Scenario

__all__ = ["BOUND_NAMES", "Estimate", "decode_step_parts", "decode_step_time", "estimate", "first_token",
           "mean_decode", "prefill_parts", "saturated", "scenario_warnings", "sequences_per_pass"]


def estimate(s: Scenario) -> Estimate:
    """Everything the readouts and the CLI report for one scenario (the GUI computes it once
    per scenario through ``explorer.core.engine.results.Results``)."""
    return estimate_point(s, resolve(s))


def saturated(s: Scenario) -> Scenario:
    """``s`` at the largest batch that fits in memory and the runtime will schedule (``--batch
    max``): every slot busy, run as one cohort (all prompts prefilled together)."""
    one = s.with_(batch=1)
    r = resolve(one)
    fit = estimate_point(one, r).max_batch
    return s.with_(batch=max(1, min(fit, r.runtime.max_batch)))
