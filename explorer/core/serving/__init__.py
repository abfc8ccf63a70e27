"""Serving under load: requests arriving at one deployment, iteration-level (continuous) batching,
and the latencies and throughput that follow.

Public API (units: seconds, tokens/s, requests/s; loads in clients or requests/s):

- :func:`steady` (scenario) -> ServingPoint — mean-field steady state at the scenario's load;
- :func:`curve` (scenario, loads) -> ServingCurve — the same over an array of loads (vectorized);
- :func:`simulate` (scenario, requests, seed, progress, cancelled, trace) -> SimResult — discrete-event run;
- :func:`knee` (scenario) -> Knee — highest load meeting the latency target and the limit that binds;
- :func:`plan` (model, slo, ...) -> list[PlanRow] — the cheapest deployments meeting a target.

Regimes: closed loop (``load_kind="concurrency"``) never diverges — past the admission limit the
extra clients wait in the queue and TTFT grows linearly with them; open loop (``"rate"``) past
capacity has a queue that grows without bound (latencies ``inf`` in the mean-field model; a
simulation shows them growing with its length).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from explorer.core.serving.results import BINDING_LIMITS, Knee, ServingCurve, ServingPoint, SimResult
from explorer.core.serving.workload import SLO, Load, Trace, Workload
from explorer.core.state.scenario import Scenario

__all__ = ["steady", "curve", "simulate", "knee", "plan", "default_loads", "BINDING_LIMITS", "Knee",
           "ServingCurve", "ServingPoint", "SimResult", "SLO", "Load", "Trace", "Workload"]


def steady(scenario: Scenario) -> ServingPoint:
    """The mean-field steady state at the scenario's own load (``load_kind``, ``load``)."""
    from explorer.core.serving import meanfield as _steady
    return _steady.curve(scenario, np.array([float(scenario.load)])).point(0)


def curve(scenario: Scenario, loads: np.ndarray) -> ServingCurve:
    """The mean-field model at every load in ``loads`` (clients for a concurrency load, requests/s
    for a rate load); 64 points take a few milliseconds."""
    from explorer.core.serving import meanfield as _steady
    return _steady.curve(scenario, np.asarray(loads, dtype=np.float64))


def default_loads(scenario: Scenario, points: int = 64) -> np.ndarray:
    """Load points a plot spans: 1 … 4× the admission capacity (clients, geometric), or 1 %–150 %
    of the saturation rate (requests/s)."""
    from explorer.core.serving import meanfield as _steady
    return _steady.default_loads(scenario, points)


def simulate(scenario: Scenario, requests: int = 2000, seed: int = 0,
             progress: Callable[[float, SimResult], None] | None = None,
             cancelled: Callable[[], bool] | None = None, trace: Trace | None = None) -> SimResult:
    """A discrete-event run of ``requests`` requests at the scenario's load (or replaying ``trace``).
    ``progress(fraction, partial_result)`` is called every few hundred completions; ``cancelled()``
    returning True stops the run (the result so far comes back with ``cancelled=True``). The same
    seed gives the same numbers."""
    from explorer.core.serving import simulation as _sim
    return _sim.run(scenario, requests, seed, progress, cancelled, trace)


def knee(scenario: Scenario) -> Knee:
    """The highest load (the scenario's load kind) meeting its latency target, and which limit binds:
    ``kv_capacity``, ``running_limit``, ``compute`` or ``bandwidth``."""
    from explorer.core.serving import meanfield as _steady
    return _steady.knee(scenario)


def plan(scenario: Scenario, **options):
    """The deployment search for the scenario's model, workload, load and latency target over devices
    × count × tensor parallel × weight/KV format × runtime; rows cheapest first (see planner.plan)."""
    from explorer.core.serving import planner
    return planner.plan(scenario, **options)
