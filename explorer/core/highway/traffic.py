"""The highway, told with the serving model (explorer.core.serving).

Picture: the road is the device's memory bandwidth split into ``lanes`` lanes; closed lanes
(construction, or on unified memory the CPU/display's share) take their share of bandwidth away.
Cars are requests: they arrive, wait on the on-ramp (the admission queue) until the scheduler
admits them into the running batch, ride the road one token per step, and leave when their last
token is out. Every step carries the whole running batch.

Figures: the road with ``open`` of ``lanes`` lanes open is the same scenario on a device with
open/lanes of its bandwidth (:func:`road_scenario`); every figure the highway shows is
``serving.steady`` of that scenario — the same numbers the Serving view shows for it.

Regimes:
- open loop (``load_kind = "rate"``): requests arrive at λ/s whatever the road does. Below the
  knee more arrivals grow the batch and the throughput; the road's capacity is the request rate
  it serves with the batch full (admission capacity). Closing one more lane of n open makes each
  step's memory-bound part n/(n−1) slower; when capacity falls below λ the on-ramp queue grows
  without bound (TTFT → ∞) while the cars on the road keep moving (TPOT up, bounded).
- closed loop (``"concurrency"``): N clients, each waiting for its reply. Past the admission
  capacity the extra N − C clients wait on the ramp: TTFT grows with them, but nothing diverges.

State words (open loop, ρ = λ ÷ capacity): "free flow" ρ < 0.7, "heavy" < 0.9, "near capacity"
< 1, "overloaded" ≥ 1. Closed loop: "free flow" when every client is admitted, "queue on the ramp"
when some wait. "road closed" with no open lane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from explorer.core import serving
from explorer.core.physics import parallel
from explorer.core.serving.results import ServingPoint
from explorer.core.state.scenario import Scenario

DEFAULT_LANES = 16
HEAVY_FROM = 0.7
NEAR_CAPACITY_FROM = 0.9
OVERLOADED = "overloaded"
STATES = ("free flow", "heavy", "near capacity", OVERLOADED)
RAMP_QUEUE, ROAD_CLOSED = "queue on the ramp", "road closed"
SATURATING_CLIENTS = 4.0  # × the admission capacity: a closed loop that keeps the batch full


def state_text(rho: float) -> str:
    """Plain words for an open-loop ρ (thresholds in the module docstring)."""
    if rho >= 1.0:
        return OVERLOADED
    if rho >= NEAR_CAPACITY_FROM:
        return "near capacity"
    if rho >= HEAVY_FROM:
        return "heavy"
    return "free flow"


def shared_lanes(s: Scenario, lanes: int, shared_fraction: float) -> int:
    """Lanes taken by the CPU/display on a unified-memory device (0 on a discrete GPU)."""
    if not 0.0 <= shared_fraction <= 1.0:
        raise ValueError(f"shared_fraction must be between 0 and 1 (got {shared_fraction!r})")
    if not s.hardware.unified_memory:
        return 0
    return int(math.floor(shared_fraction * lanes + 0.5))


def road_scenario(s: Scenario, lanes: int, open_lanes: int) -> Scenario:
    """The scenario on a device with ``open_lanes`` of ``lanes`` lanes of its bandwidth (the
    scenario itself with every lane open)."""
    if open_lanes >= lanes:
        return s
    hw = s.hardware
    road = replace(hw, bandwidth_gbs=hw.bandwidth_gbs * open_lanes / lanes,
                   name=f"{hw.name} ({open_lanes} of {lanes} lanes)")
    return s.with_(hardware=road)


def saturation_rate(s: Scenario) -> float:
    """Requests/s the scenario's road serves with its batch kept full (the admission capacity
    reached by a closed loop of many clients): the most an open loop can be served."""
    closed = s.with_(load_kind="concurrency", load=1.0, think_s=0.0)
    cap = serving.curve(closed, np.array([1.0])).capacity_requests
    full = float(max(1, math.ceil(SATURATING_CLIENTS * max(cap, 1.0))))
    return float(serving.curve(closed, np.array([full])).requests_per_s[0])


@dataclass(frozen=True)
class Road:
    lanes: int
    open_lanes: int
    shared_lanes: int  # of the closed lanes, those taken by CPU/display sharing
    lane_bandwidth: float  # B/s, one lane's data-sheet bandwidth
    scenario: Scenario  # the road's scenario (open lanes only): what the figures are of
    point: ServingPoint | None  # serving.steady(scenario); None on a closed road
    step_all_open: float  # s per step at the same load with every lane open
    capacity: float  # requests/s the open road serves with the batch full
    demand: float  # open loop: λ (requests/s); closed loop: the throughput the clients drive
    rho: float | None  # open loop: demand ÷ capacity
    batch_capacity: float  # requests the KV cache and the running limit admit at once
    state: str
    knee: float  # the road's knee (clients or requests/s, the scenario's load kind)
    binding_limit: str

    @property
    def closed_lanes(self) -> int:
        return self.lanes - self.open_lanes

    @property
    def open_bandwidth(self) -> float:
        return self.open_lanes * self.lane_bandwidth

    @property
    def closed_loop(self) -> bool:
        return self.scenario.load_kind == "concurrency"

    @property
    def slowdown(self) -> float:
        """Step time ÷ step time with every lane open (at the same load)."""
        return self.point.step_s / self.step_all_open if self.point else math.inf

    @property
    def time_on_road(self) -> float:
        """Seconds a request spends admitted (prefill and decode): running ÷ throughput, Little's
        law on the running batch — so the cars' capacity is the model's (batch capacity ÷ this)."""
        p = self.point
        return p.mean_running / p.requests_per_s if p and p.requests_per_s > 0 else math.inf

    @property
    def queue_growth(self) -> float:
        """Open loop past capacity: requests added to the on-ramp queue per second."""
        return max(self.demand - self.capacity, 0.0) if not self.closed_loop else 0.0


def highway(s: Scenario, lanes: int = DEFAULT_LANES, closed: int = 0, shared_fraction: float = 0.0) -> Road:
    """The scenario's traffic on a ``lanes``-lane road with ``closed`` lanes closed."""
    if lanes < 1 or closed < 0:
        raise ValueError("need lanes ≥ 1 and closed ≥ 0")
    shared = shared_lanes(s, lanes, shared_fraction)
    open_lanes = max(lanes - closed - shared, 0)
    lane_bw = s.hardware.bandwidth_bytes_per_s * parallel.work_divisor(s.parallel, s.devices) / lanes
    taken = min(shared, lanes - min(closed, lanes))
    if open_lanes == 0:
        return Road(scenario=s, point=None, step_all_open=serving.steady(s).step_s, capacity=0.0,
                    demand=float(s.load) if s.load_kind == "rate" else 0.0, rho=math.inf if s.load_kind == "rate" else None,
                    batch_capacity=0.0, state=ROAD_CLOSED, knee=0.0, binding_limit="bandwidth", lanes=lanes,
                    open_lanes=0, shared_lanes=taken, lane_bandwidth=lane_bw)
    road = road_scenario(s, lanes, open_lanes)
    p = serving.steady(road)
    step_open = p.step_s if road is s else serving.steady(s).step_s
    cap_curve = serving.curve(road.with_(load_kind="concurrency", load=1.0, think_s=0.0), np.array([1.0]))
    capacity = saturation_rate(road)
    k = serving.knee(road)
    if s.load_kind == "rate":
        demand, rho = float(s.load), float(s.load) / capacity if capacity > 0 else math.inf
        state = state_text(rho)
    else:
        demand, rho = p.requests_per_s, None
        state = RAMP_QUEUE if p.queue_length >= 0.5 else "free flow"
    return Road(scenario=road, point=p, step_all_open=step_open, capacity=capacity, demand=demand, rho=rho,
                batch_capacity=float(cap_curve.capacity_requests), state=state, knee=k.load,
                binding_limit=k.binding_limit, lanes=lanes, open_lanes=open_lanes, shared_lanes=taken,
                lane_bandwidth=lane_bw)


def lane_factor(open_lanes: int) -> float:
    """How much longer the memory-bound part of a step gets when one of ``open_lanes`` open lanes
    closes: n ÷ (n − 1) (inf when the last one closes)."""
    return open_lanes / (open_lanes - 1) if open_lanes > 1 else math.inf


@dataclass(frozen=True)
class Cliff:
    """The essay's rush hour on a scenario: arrivals just under what the road carries with
    ``closed`` lanes closed, and over what it carries with one more."""
    lanes: int
    closed: int
    rate: float  # requests/s
    rho_before: float
    rho_after: float


def cliff(s: Scenario, lanes: int = DEFAULT_LANES, closed: int | None = None) -> Cliff:
    """An arrival rate that fills the road with ``closed`` lanes closed (default: a quarter, at
    most so many that 6 stay open) to ρ ≈ 1 − ½ ÷ m and overloads it with one more closed:
    halfway between the two capacities, so near capacity before and overloaded after whatever
    part of the step does not scale with bandwidth."""
    closed = max(0, min(lanes // 4, lanes - 6)) if closed is None else closed
    caps = [saturation_rate(road_scenario(s, lanes, lanes - c)) for c in (closed, closed + 1)]
    rate = (caps[0] + caps[1]) / 2.0
    return Cliff(lanes, closed, rate, rate / caps[0], rate / caps[1])
