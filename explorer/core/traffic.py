"""Memory bandwidth as a highway: lanes, traffic, saturation and queueing delay (no Qt).

The seed essay's picture — "a 16-lane highway during rush hour … a single additional lane
closure would completely gridlock the entire system" — made quantitative and tied to the
scenario. The animated view steps :class:`explorer.core.highway_sim.HighwaySim`; this module
is the analytic side the view's numbers and its fundamental diagram come from.

Definitions
-----------
lanes        the device's memory bandwidth on the critical path (data-sheet bandwidth ×
             devices for tensor parallelism, one device for pipeline — as in ``estimate``)
             split into N equal lanes of bandwidth / N each.
closed       construction (a user value) plus, on unified-memory devices, the share of
             bandwidth used by the CPU/display: round(shared_fraction · N) lanes, halves
             rounded up. Closed lanes are the highest-numbered ones. A shared fraction on a
             discrete GPU is ignored (``shared_lanes`` = 0 says so).
demand       bytes the scenario must move per second = bytes per decode step × steps/s, the
             bytes per step from ``estimate.mean_decode`` (averaged over the generation; at
             least one generated token), so the highway agrees with the rest of the app:
             * "as fast as the hardware allows" (``target_tokens_per_s=None``): steps/s =
               1 / the estimated mean step time. ρ with all lanes open is then the scenario's
               achieved fraction of data-sheet bandwidth (η_memory for a memory-bound step,
               0.75 for the default scenario) — real memory systems cannot run at ρ = 1
               without unbounded queues, which is the point of this view.
             * a user target: steps/s = users × tokens/s per user / batch. One decode step
               produces one token for every sequence of the batch and reads the weights once
               for all of them, so `batch` users share a step.
ρ            demand / open capacity; delivered = min(demand, capacity);
             delivered tokens/s = delivered / bytes per step × batch;
             queue growth = max(demand − capacity, 0) B/s (bytes piling up, "gridlock").
latency      M/D/1 response time over service time (see :func:`latency_multiplier`).
state        "free flow" ρ < 0.7 (queueing adds < 1.2× the service time), "heavy" 0.7 ≤ ρ <
             0.9 (up to 5.5×), "near capacity" 0.9 ≤ ρ < 1 (delay explodes), "gridlock"
             ρ ≥ 1 (the queue grows without bound).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import parallel
from .estimate import mean_decode, sequences_per_pass
from .highway_sim import HighwaySim
from .resolved import resolve
from .scenario import Scenario

DEFAULT_LANES = 16
HEAVY_FROM = 0.7
NEAR_CAPACITY_FROM = 0.9
STATES = ("free flow", "heavy", "near capacity", "gridlock")
PLOT_CEILING = 20.0  # latency multiplier drawn at most this high (gridlock is drawn there)


# -- queueing ------------------------------------------------------------------------------
def latency_multiplier(rho) -> np.ndarray:
    """M/D/1 response time in units of the service time: T·μ = 1 + ρ / (2(1 − ρ)); inf for ρ ≥ 1.

    A memory transfer of fixed size is a deterministic service, so the mean wait in queue
    is W_q = ρ / (2μ(1 − ρ)) — the Pollaczek–Khinchine mean-value formula for M/G/1 with
    zero service-time variance (L. Kleinrock, *Queueing Systems, Vol. 1: Theory*, Wiley
    1975, ch. 5) — and the response time T = 1/μ + W_q. Vectorized; ``rho`` ≥ 0.
    """
    rho = np.asarray(rho, dtype=np.float64)
    stable = rho < 1.0
    safe = np.where(stable, rho, 0.0)
    return np.where(stable, 1.0 + safe / (2.0 * (1.0 - safe)), np.inf)


def latency_multiplier_clipped(rho, ceiling: float = PLOT_CEILING) -> np.ndarray:
    """:func:`latency_multiplier` capped at ``ceiling`` for plotting: finite, never NaN."""
    m = latency_multiplier(np.nan_to_num(np.asarray(rho, dtype=np.float64), nan=np.inf, posinf=np.inf))
    return np.minimum(m, ceiling)


def delivered(demand, capacity) -> np.ndarray:
    """Fundamental diagram: throughput = min(demand, capacity) (vectorized, B/s)."""
    return np.minimum(np.asarray(demand, dtype=np.float64), capacity)


def queue_growth(demand, capacity) -> np.ndarray:
    """Bytes per second added to the backlog: max(demand − capacity, 0) (vectorized)."""
    return np.maximum(np.asarray(demand, dtype=np.float64) - capacity, 0.0)


def utilisation(demand: float, capacity: float) -> float:
    """ρ = demand / capacity; inf on a fully closed road with traffic, 0 without traffic."""
    if capacity > 0:
        return demand / capacity
    return math.inf if demand > 0 else 0.0


def state_text(rho: float) -> str:
    """Plain words for ρ (thresholds in the module docstring)."""
    if rho >= 1.0:
        return "gridlock"
    if rho >= NEAR_CAPACITY_FROM:
        return "near capacity"
    if rho >= HEAVY_FROM:
        return "heavy"
    return "free flow"


# -- the scenario on the highway -----------------------------------------------------------
def road_bandwidth(s: Scenario) -> float:
    """B/s of all lanes together: data-sheet bandwidth on the critical path (as ``estimate``)."""
    r = resolve(s)
    return r.bandwidth * parallel.work_divisor(s.parallel, s.devices)


def decode_traffic(s: Scenario) -> tuple[float, float]:
    """(bytes per decode step, seconds per step) averaged over the generation (≥ 1 token)."""
    d = mean_decode(resolve(s), s.prompt, max(s.generate, 1))
    return float(d["bytes"]), float(d["time"])


def shared_lanes(s: Scenario, lanes: int, shared_fraction: float) -> int:
    """Lanes taken by the CPU/display on a unified-memory device (0 on a discrete GPU)."""
    if not 0.0 <= shared_fraction <= 1.0:
        raise ValueError(f"shared_fraction must be between 0 and 1 (got {shared_fraction!r})")
    if not s.hardware.unified_memory:
        return 0
    return int(math.floor(shared_fraction * lanes + 0.5))


@dataclass(frozen=True)
class HighwayState:
    lanes: int
    open_lanes: int
    shared_lanes: int  # of the closed lanes, those taken by CPU/display sharing
    lane_capacity: float  # B/s
    capacity: float  # B/s, open lanes
    demand: float  # B/s
    rho: float
    delivered: float  # B/s
    delivered_tokens_per_s: float  # all users
    queue_growth: float  # B/s
    latency_multiplier: float  # M/D/1 T·μ (inf in gridlock)
    state: str
    bytes_per_step: float
    batch: int
    steps_per_s: float  # requested decode steps per second

    @property
    def closed_lanes(self) -> int:
        return self.lanes - self.open_lanes

    @property
    def demand_lanes(self) -> float:
        """Demand in lane capacities — what :class:`HighwaySim` takes."""
        return self.demand / self.lane_capacity


def highway_state(scenario: Scenario, lanes: int = DEFAULT_LANES, closed: int = 0,
                  shared_fraction: float = 0.0, target_tokens_per_s: float | None = None,
                  users: int = 1) -> HighwayState:
    """The scenario's decode traffic on a ``lanes``-lane road with ``closed`` lanes closed.

    ``target_tokens_per_s`` is per user; None means "as fast as the hardware allows".
    """
    if lanes < 1 or closed < 0 or users < 1:
        raise ValueError("need lanes ≥ 1, closed ≥ 0 and users ≥ 1")
    if target_tokens_per_s is not None and not target_tokens_per_s > 0:
        raise ValueError(f"target tokens/s must be positive (got {target_tokens_per_s!r})")
    shared = shared_lanes(scenario, lanes, shared_fraction)
    open_lanes = max(lanes - closed - shared, 0)
    lane_capacity = road_bandwidth(scenario) / lanes
    capacity = open_lanes * lane_capacity
    bytes_per_step, step_time = decode_traffic(scenario)
    if target_tokens_per_s is None:
        steps = 1.0 / step_time
    else:
        steps = users * target_tokens_per_s / sequences_per_pass(scenario)
    demand = bytes_per_step * steps
    rho = utilisation(demand, capacity)
    out = float(delivered(demand, capacity))
    return HighwayState(
        lanes=lanes, open_lanes=open_lanes, shared_lanes=min(shared, lanes - min(closed, lanes)),
        lane_capacity=lane_capacity, capacity=capacity, demand=demand, rho=rho, delivered=out,
        delivered_tokens_per_s=out / bytes_per_step * sequences_per_pass(scenario),
        queue_growth=float(queue_growth(demand, capacity)),
        latency_multiplier=float(latency_multiplier(rho)), state=state_text(rho),
        bytes_per_step=bytes_per_step, batch=scenario.batch, steps_per_s=steps)


def tokens_per_s_for_demand(scenario: Scenario, fraction: float, users: int = 1) -> float:
    """Per-user target tokens/s whose demand is ``fraction`` of the whole road's bandwidth."""
    bytes_per_step, _ = decode_traffic(scenario)
    steps = fraction * road_bandwidth(scenario) / bytes_per_step
    return steps * sequences_per_pass(scenario) / users


def simulation_for(state: HighwayState, seed: int = 0, **options) -> HighwaySim:
    """A traffic simulation matching ``state`` (options: length, zone_start, v_max, p_slow)."""
    return HighwaySim(state.lanes, state.closed_lanes, state.demand_lanes, seed=seed,
                      lane_capacity=state.lane_capacity, **options)


# -- the seed's point: one more closure tips the road into gridlock -------------------------
def last_safe_closure(state: HighwayState) -> int | None:
    """Total closed lanes at which this demand still flows (ρ < 1) but one more closure
    gridlocks it; None when the demand exceeds even the fully open road."""
    need = math.floor(state.demand / state.lane_capacity) + 1  # fewest lanes with n·c > demand
    return state.lanes - need if need <= state.lanes else None


@dataclass(frozen=True)
class Cliff:
    lanes: int
    closed: int  # lanes already closed ("multiple construction projects")
    demand_fraction: float  # demand as a fraction of the fully open road
    rho_before: float
    rho_after: float  # with one more lane closed
    state_before: str
    state_after: str


def cliff_demo(lanes: int = DEFAULT_LANES) -> Cliff:
    """Settings that show the seed's point: near capacity, and one more closure → gridlock.

    About a quarter of the lanes are closed (at most so many that 6 stay open), leaving m
    open; demand is m − ½ lanes' worth — half a lane from either edge — so ρ = (m − ½)/m
    before (> 0.9, "near capacity", when m ≥ 6, i.e. lanes ≥ 6) and (m − ½)/(m − 1) > 1
    after. 16 lanes: 4 closed, demand 0.719 of the road,
    ρ 0.958 → 1.045. Apply it with :func:`tokens_per_s_for_demand`.
    """
    if lanes < 1:
        raise ValueError("need at least one lane")
    closed = max(0, min(lanes // 4, lanes - 6))
    m = lanes - closed
    fraction = (m - 0.5) / lanes
    before = (m - 0.5) / m
    after = utilisation(m - 0.5, m - 1)
    return Cliff(lanes, closed, fraction, before, after, state_text(before), state_text(after))
