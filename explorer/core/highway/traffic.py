"""Memory bandwidth as a highway: lanes, traffic, and — only with arrivals — queueing (no Qt).

The seed essay's picture — "a 16-lane highway during rush hour … a single additional lane
closure would completely gridlock the entire system" — made quantitative and tied to the
scenario. The animated view steps :class:`explorer.core.highway.sim.HighwaySim`; this module
is the analytic side the view's numbers and its diagrams come from.

Definitions
-----------
lanes        the device's data-sheet memory bandwidth on the critical path (× devices for
             tensor parallelism, one device for pipeline — as in ``estimate``) split into N
             equal lanes of bandwidth / N each.
closed       construction (a user value) plus, on unified-memory devices, the share of
             bandwidth used by the CPU/display: round(shared_fraction · N) lanes, halves
             rounded up. A shared fraction on a discrete GPU is ignored.
step time    one decode pass recomputed with only the open lanes' bandwidth (η_memory, the
             compute floor and the link time included, as in ``estimate``): closing k of n
             lanes makes a memory-bound step n/(n−k) times longer; a compute-bound one may
             not change at all.
capacity     what the open lanes can deliver: bytes per step / step time (B/s), i.e. the
             decode steps per second the open road serves.

Two modes, because they are two different systems:

* **closed loop** — "as fast as the hardware allows" (``target_tokens_per_s=None``). Each
  sequence has exactly one decode step in flight; the next starts when the last ends. There
  are no arrivals, so no queue and no utilisation ρ: fewer lanes simply make every step
  slower and tokens/s fall with them (in proportion for a memory-bound step). Shown:
  the step time, its slowdown against the fully open road, and the tokens/s delivered —
  the same figure the Overview shows for the same open lanes.
* **open loop** — users × a target tokens/s each: requests arrive whether or not the road
  keeps up. ρ = demand / capacity; delivered = min(demand, capacity); above ρ = 1 the queue
  grows by (demand − capacity) B/s without bound — "overloaded". The road still delivers
  its full capacity (the cellular automaton measures it); what becomes unbounded is the
  waiting time, not the flow. The essay's "complete gridlock" (flow dropping to zero) is not
  what either model shows, and the view says so.
latency      open loop: M/D/1 response time over service time (see
             :func:`latency_multiplier`); closed loop: step time / step time with all lanes
             open.
state        closed loop: "closed loop" (or "road closed" with no open lane); open loop:
             "free flow" ρ < 0.7 (queueing adds < 1.2× the service time), "heavy" 0.7 ≤ ρ <
             0.9 (up to 5.5×), "near capacity" 0.9 ≤ ρ < 1 (delay explodes), "overloaded"
             ρ ≥ 1 (the queue grows without bound).
"""

from __future__ import annotations

import math
from typing import Any
from dataclasses import dataclass, replace

import numpy as np

from explorer.core.engine.estimate import mean_decode, sequences_per_pass
from explorer.core.engine.resolved import resolve, stack
from explorer.core.highway.sim import HighwaySim
from explorer.core.physics import parallel
from explorer.core.state.scenario import Scenario

DEFAULT_LANES = 16
HEAVY_FROM = 0.7
NEAR_CAPACITY_FROM = 0.9
OVERLOADED = "overloaded"
STATES = ("free flow", "heavy", "near capacity", OVERLOADED)
CLOSED_LOOP, ROAD_CLOSED = "closed loop", "road closed"
PLOT_CEILING = 20.0  # latency multiplier drawn at most this high (the curve stops there)
CLOSED_LOOP_FILL = 0.95  # closed loop drawn just below the open lanes' flow: no on-ramp queue


# -- queueing (open loop only) ---------------------------------------------------------------
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


def latency_curve(ceiling: float = PLOT_CEILING, points: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """(ρ, M/D/1 multiplier) from 0 up to where the multiplier reaches ``ceiling`` — the
    curve stops there (it is unbounded beyond, never flat)."""
    top = 1.0 - 1.0 / (2.0 * (ceiling - 1.0) + 1.0)  # solves 1 + ρ/(2(1−ρ)) = ceiling
    rho = np.linspace(0.0, top, points)
    return rho, latency_multiplier(rho)


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
    """Plain words for an open-loop ρ (thresholds in the module docstring)."""
    if rho >= 1.0:
        return OVERLOADED
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


def decode_traffic(s: Scenario, open_share: float = 1.0) -> tuple[float, float]:
    """(bytes per decode step, seconds per step) averaged over the generation (≥ 1 token),
    with only ``open_share`` of the memory bandwidth available (inf seconds at 0)."""
    r = resolve(s)
    if open_share <= 0:
        d = mean_decode(r, s.prompt, max(s.generate, 1))
        return float(d["bytes"]), math.inf
    if open_share < 1:
        r = replace(r, bandwidth=r.bandwidth * open_share)
    d = mean_decode(r, s.prompt, max(s.generate, 1))
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
    mode: str  # "closed" (as fast as the hardware allows) or "open" (users × target rate)
    lanes: int
    open_lanes: int
    shared_lanes: int  # of the closed lanes, those taken by CPU/display sharing
    lane_capacity: float  # B/s, one lane's data-sheet bandwidth
    open_bandwidth: float  # B/s, data-sheet bandwidth of the open lanes
    capacity: float  # B/s the open lanes deliver (bytes per step / step time)
    step_time: float  # s per decode step with the open lanes (inf: road closed)
    slowdown: float  # step time / step time with every lane open
    demand: float  # B/s: open loop the requested traffic; closed loop what the steps move
    rho: float | None  # open loop only: demand / capacity
    delivered: float  # B/s
    delivered_tokens_per_s: float  # all users / sequences
    queue_growth: float  # B/s (open loop above capacity)
    latency_multiplier: float  # open: M/D/1 T·μ (inf when overloaded); closed: = slowdown
    state: str
    bytes_per_step: float
    batch: int
    steps_per_s: float  # decode steps per second requested (open) or run (closed)

    @property
    def closed_lanes(self) -> int:
        return self.lanes - self.open_lanes

    @property
    def closed_loop(self) -> bool:
        return self.mode == "closed"

    @property
    def sim_lane_capacity(self) -> float:
        """B/s one open lane delivers — what one lane of cars at saturation stands for."""
        return self.capacity / self.open_lanes if self.open_lanes and self.capacity > 0 else self.lane_capacity

    @property
    def demand_lanes(self) -> float:
        """Demand in open-lane capacities — what :class:`HighwaySim` takes. A closed loop is
        drawn just below the open lanes' flow (each step enters when the last has left)."""
        if self.closed_loop:
            return CLOSED_LOOP_FILL * self.open_lanes
        return self.demand / self.sim_lane_capacity


def highway_state(scenario: Scenario, lanes: int = DEFAULT_LANES, closed: int = 0,
                  shared_fraction: float = 0.0, target_tokens_per_s: float | None = None,
                  users: int = 1) -> HighwayState:
    """The scenario's decode traffic on a ``lanes``-lane road with ``closed`` lanes closed.

    ``target_tokens_per_s`` is per user; None means "as fast as the hardware allows" (the
    closed loop).
    """
    if lanes < 1 or closed < 0 or users < 1:
        raise ValueError("need lanes ≥ 1, closed ≥ 0 and users ≥ 1")
    if target_tokens_per_s is not None and not target_tokens_per_s > 0:
        raise ValueError(f"target tokens/s must be positive (got {target_tokens_per_s!r})")
    shared = shared_lanes(scenario, lanes, shared_fraction)
    open_lanes = max(lanes - closed - shared, 0)
    lane_capacity = road_bandwidth(scenario) / lanes
    bytes_per_step, step_time = decode_traffic(scenario, open_lanes / lanes)
    _, all_open_time = decode_traffic(scenario) if open_lanes < lanes else (bytes_per_step, step_time)
    per_pass = sequences_per_pass(scenario)
    service = 0.0 if math.isinf(step_time) else 1.0 / step_time  # steps/s the open lanes serve
    capacity = bytes_per_step * service
    common: dict[str, Any] = dict(lanes=lanes, open_lanes=open_lanes, shared_lanes=min(shared, lanes - min(closed, lanes)),
                  lane_capacity=lane_capacity, open_bandwidth=open_lanes * lane_capacity, capacity=capacity,
                  step_time=step_time, slowdown=step_time / all_open_time, bytes_per_step=bytes_per_step,
                  batch=scenario.batch)
    if target_tokens_per_s is None:
        return HighwayState(mode="closed", demand=capacity, rho=None, delivered=capacity,
                            delivered_tokens_per_s=service * per_pass, queue_growth=0.0,
                            latency_multiplier=step_time / all_open_time,
                            state=CLOSED_LOOP if open_lanes else ROAD_CLOSED, steps_per_s=service, **common)
    steps = users * target_tokens_per_s / per_pass
    demand = bytes_per_step * steps
    rho = utilisation(demand, capacity)
    out = float(delivered(demand, capacity))
    return HighwayState(mode="open", demand=demand, rho=rho, delivered=out,
                        delivered_tokens_per_s=out / bytes_per_step * per_pass,
                        queue_growth=float(queue_growth(demand, capacity)),
                        latency_multiplier=float(latency_multiplier(rho)), state=state_text(rho),
                        steps_per_s=steps, **common)


@dataclass(frozen=True)
class LaneSweep:
    """The closed loop at every number of open lanes: what closing lanes does to one step."""

    open_lanes: np.ndarray  # 1 … lanes
    step_time: np.ndarray  # s per decode step
    tokens_per_s: np.ndarray  # all sequences


def lane_sweep(scenario: Scenario, lanes: int = DEFAULT_LANES) -> LaneSweep:
    """Step time and tokens/s with 1 … ``lanes`` lanes open (one vectorized pass)."""
    r = resolve(scenario)
    k = np.arange(1, lanes + 1)
    rs = stack([replace(r, bandwidth=r.bandwidth * n / lanes) for n in k])
    t = np.asarray(mean_decode(rs, scenario.prompt, max(scenario.generate, 1))["time"], float).reshape(-1)
    return LaneSweep(k, t, sequences_per_pass(scenario) / t)


def tokens_per_s_for_demand(scenario: Scenario, fraction: float, users: int = 1) -> float:
    """Per-user target tokens/s whose demand is ``fraction`` of the fully open road's capacity."""
    _, step_time = decode_traffic(scenario)
    return fraction / step_time * sequences_per_pass(scenario) / users


def cliff_target(scenario: Scenario, cliff: "Cliff", users: int = 1) -> float:
    """Per-user tokens/s for the demo on this scenario: halfway between what the road carries
    with ``cliff.closed`` lanes closed and with one more — near capacity before, overloaded
    after, whatever part of the step does not scale with bandwidth (runtime overhead, compute
    floor). ρ before = (1 + C(m−1)/C(m)) / 2 ≥ 0.9 while one lane is at most a fifth of the
    open road."""
    per_pass = sequences_per_pass(scenario)
    caps = []
    for closed in (cliff.closed, cliff.closed + 1):
        _, step = decode_traffic(scenario, (cliff.lanes - closed) / cliff.lanes)
        caps.append(per_pass / step if step > 0 and math.isfinite(step) else 0.0)
    return (caps[0] + caps[1]) / 2.0 / users


def simulation_for(state: HighwayState, seed: int = 0, **options) -> HighwaySim:
    """A traffic simulation matching ``state`` (options: length, zone_start, v_max, p_slow)."""
    return HighwaySim(state.lanes, state.closed_lanes, state.demand_lanes, seed=seed,
                      lane_capacity=state.sim_lane_capacity, **options)


# -- the seed's point, said exactly: one more closure tips the queue into unbounded growth ---
def last_safe_closure(state: HighwayState) -> int | None:
    """Open loop, memory-bound: total closed lanes at which this demand is still served
    (ρ < 1) but one more closure overloads the road; None when the demand exceeds even the
    fully open road. Capacity is taken as linear in the open lanes (a memory-bound step)."""
    per_lane = state.capacity / state.open_lanes if state.open_lanes else 0.0
    if per_lane <= 0:
        return None
    need = math.floor(state.demand / per_lane) + 1  # fewest lanes with n·c > demand
    return state.lanes - need if need <= state.lanes else None


@dataclass(frozen=True)
class Cliff:
    lanes: int
    closed: int  # lanes already closed ("multiple construction projects")
    demand_fraction: float  # demand as a fraction of the fully open road's capacity
    rho_before: float
    rho_after: float  # with one more lane closed
    state_before: str
    state_after: str


def cliff_demo(lanes: int = DEFAULT_LANES) -> Cliff:
    """Settings that show the seed's point: near capacity, and one more closure → overloaded.

    About a quarter of the lanes are closed (at most so many that 6 stay open), leaving m
    open; demand is m − ½ lanes' worth — half a lane from either edge — so ρ = (m − ½)/m
    before (> 0.9, "near capacity", when m ≥ 6, i.e. lanes ≥ 6) and (m − ½)/(m − 1) > 1
    after (for a purely memory-bound step, whose capacity is linear in the open lanes). 16
    lanes: 4 closed, demand 0.719 of the road, ρ 0.958 → 1.045. On a real runtime part of the
    step does not scale with bandwidth; :func:`cliff_target` picks the demand from the actual
    capacities.
    """
    if lanes < 1:
        raise ValueError("need at least one lane")
    closed = max(0, min(lanes // 4, lanes - 6))
    m = lanes - closed
    fraction = (m - 0.5) / lanes
    before = (m - 0.5) / m
    after = utilisation(m - 0.5, m - 1)
    return Cliff(lanes, closed, fraction, before, after, state_text(before), state_text(after))
