"""The animated highway: a multi-lane Nagel–Schreckenberg traffic cellular automaton.

Pure numpy (no Qt). The GUI steps a :class:`HighwaySim` and draws its cars; the analytic side
(lanes, ρ, M/D/1 delay) lives in :mod:`explorer.core.highway.traffic`.

Model
-----
Each lane is a row of ``length`` cells; a car holds one cell and has an integer speed
0…``v_max`` (cells per step). Every step, all cars are updated in parallel:

1. lane change (Rickert, Nagel, Schreckenberg & Latour 1996, "Two lane traffic simulations
   using cellular automata", Physica A 231:534): a car whose way ahead is obstructed moves to
   a neighbouring open lane if that lane offers a longer gap ahead, its own cell there is free
   and the car behind there is at least its own speed away. To rule out two cars claiming one
   cell, all moves of one step go the same way (toward lane 0 on even steps, away on odd
   steps) — a common trick for more than two lanes.
2. NaSch rules (Nagel & Schreckenberg 1992, J. Phys. I France 2:2221): accelerate
   v ← min(v+1, v_max); brake to the gap v ← min(v, gap); slow down at random
   v ← v−1 with probability ``p_slow``; move x ← x+v.

Construction: the closed lanes are the highest-numbered ones (drawn at the top), blocked by
a barrier at ``zone_start`` (default: mid-road). Arriving cars use only the open lanes (the
signs are upstream of the visible road). Cars that were in a lane when it closed merge down
toward the open lanes whenever the cell beside them is free and safe (every even step,
whatever the gap ahead), and otherwise brake and stop at the barrier until they can; cars
already past the barrier drive on. This keeps capacity = open lanes × one lane's flow, the
same linear rule as the analytic model (a merge-fed lane drop discharges more per lane than a
plain lane — NaSch's metastable high-flow states — and would break that agreement).

Boundaries (open road): arrivals accumulate deterministically (a Bresenham-style accumulator:
``demand_lanes · SATURATION_FLOW`` cars per step, the fractional part carried over) in one
queue at the on-ramp; each step the queue fills free entry cells (x = 0) of the open lanes,
one car per lane, the lanes picked at random (seeded) when there are more free cells than
waiting cars. Cars enter from standstill (v = 0): the on-ramp queue is a jam and entering is
leaving it, so a lane's capacity is NaSch's jam outflow — a sharp, reproducible bottleneck
with no metastable overshoot when demand slightly exceeds it. Cars leave past the right end;
:meth:`HighwaySim.flow` averages the exits. ``queue`` is the backlog: it stays bounded below
capacity and grows by (demand − capacity) above it ("overloaded": the road still delivers its
capacity; the waiting grows without bound).

Calibration: ``SATURATION_FLOW`` is the measured exit flow per lane with an endless queue
(v_max 5, p 0.2; mean of 3 seeds × 4,000 steps, 16 lanes: 0.4428 cars/step; closing lanes
does not change it). For comparison a single-lane ring road peaks near 0.55 at density ≈ 0.12
— the jam outflow is lower (NaSch's capacity drop). ρ = 1 is defined as open lanes × that
flow, so the animation's throughput agrees with min(demand, capacity) of the analytic model;
``tests/core/test_traffic.py`` re-measures it.
"""

from __future__ import annotations

import numpy as np

V_MAX = 5
P_SLOW = 0.2
LENGTH = 200
SATURATION_FLOW = 0.4428  # cars per step per lane at saturation (re-measured in the tests)
_HISTORY = 256  # steps kept for moving averages


class HighwaySim:
    """A seeded, deterministic multi-lane NaSch road with a lane drop and an on-ramp queue.

    ``demand_lanes`` is the arrival rate in units of one lane's capacity (ρ · open lanes);
    ``lane_capacity`` (B/s) only scales :meth:`throughput_bps` and :meth:`queue_growth_bps`.
    Car state is public, as parallel arrays sorted by (lane, x): ``lane``, ``x``, ``v`` and
    a stable ``ids`` per car (for smooth animation between steps).
    """

    def __init__(self, lanes: int = 16, closed: int = 0, demand_lanes: float = 8.0, *,
                 length: int = LENGTH, zone_start: int | None = None, v_max: int = V_MAX,
                 p_slow: float = P_SLOW, seed: int = 0, lane_capacity: float = 1.0) -> None:
        if lanes < 1 or length < 2 * v_max or v_max < 1 or not 0.0 <= p_slow < 1.0:
            raise ValueError("need lanes ≥ 1, length ≥ 2·v_max, v_max ≥ 1 and 0 ≤ p_slow < 1")
        self.lanes, self.length, self.v_max, self.p_slow = int(lanes), int(length), int(v_max), float(p_slow)
        self.zone_start = int(zone_start if zone_start is not None else length // 2)
        self.lane_capacity = float(lane_capacity)
        self.rng = np.random.default_rng(seed)
        self.lane = np.zeros(0, np.int64)
        self.x = np.zeros(0, np.int64)
        self.v = np.zeros(0, np.int64)
        self.ids = np.zeros(0, np.int64)
        self.t = 0
        self.queue = 0  # cars waiting at the on-ramp
        self.exited = 0  # cars that left the road, all time
        self._next_id = 0
        self._arrival_acc = 0.0
        self._exits = np.zeros(_HISTORY, np.int64)
        self._queues = np.zeros(_HISTORY, np.int64)
        self.set_closed(closed)
        self.set_demand(demand_lanes)

    # -- controls (may change while running) ------------------------------------------
    def set_closed(self, closed: int) -> None:
        """Close the ``closed`` highest lanes from ``zone_start`` on (cars already in them
        merge or wait at the barrier; those past it drive on)."""
        self.closed = int(min(max(closed, 0), self.lanes))
        self.open_lanes = self.lanes - self.closed

    def set_demand(self, demand_lanes: float) -> None:
        """Arrival rate in lane capacities (``demand / lane_capacity``), ≥ 0."""
        if not demand_lanes >= 0 or not np.isfinite(demand_lanes):
            raise ValueError(f"demand_lanes must be a finite number ≥ 0 (got {demand_lanes!r})")
        self.demand_lanes = float(demand_lanes)

    # -- the step ------------------------------------------------------------------------
    def step(self) -> int:
        """Advance one time step; returns the number of cars that left the road."""
        self._arrive()
        self._enter()
        self._change_lanes()
        gone = self._drive()
        i = self.t % _HISTORY
        self._exits[i], self._queues[i] = gone, self.queue
        self.t += 1
        self.exited += gone
        return gone

    def run(self, steps: int) -> int:
        """``steps`` steps; returns the cars that left during them."""
        return sum(self.step() for _ in range(steps))

    def _arrive(self) -> None:
        self._arrival_acc += self.demand_lanes * SATURATION_FLOW
        new = int(self._arrival_acc)
        self._arrival_acc -= new
        self.queue += new

    def _enter(self) -> None:
        if self.queue == 0:
            return
        taken = np.zeros(self.lanes, bool)
        taken[self.lane[self.x == 0]] = True
        free = np.flatnonzero(~taken[: self.open_lanes])
        n = min(self.queue, free.size)
        if n == 0:
            return
        if n < free.size:
            free = np.sort(self.rng.choice(free, n, replace=False))
        self.queue -= n
        self._append(free, np.zeros(n, np.int64), np.zeros(n, np.int64))

    def _append(self, lane, x, v) -> None:
        n = len(lane)
        self.lane = np.concatenate([self.lane, lane])
        self.x = np.concatenate([self.x, x])
        self.v = np.concatenate([self.v, v])
        self.ids = np.concatenate([self.ids, np.arange(self._next_id, self._next_id + n)])
        self._next_id += n
        self._sort()

    def _sort(self) -> None:
        order = np.argsort(self._keys(), kind="stable")
        self.lane, self.x, self.v, self.ids = self.lane[order], self.x[order], self.v[order], self.ids[order]

    def _keys(self, lane=None, x=None) -> np.ndarray:
        lane = self.lane if lane is None else lane
        x = self.x if x is None else x
        return lane * (self.length + 1) + x

    def _gaps_ahead(self) -> np.ndarray:
        """Empty cells to the next car in the same lane (or the barrier of a closed lane)."""
        n = self.x.size
        gap = np.full(n, 2 * self.v_max, np.int64)
        if n > 1:
            same = self.lane[1:] == self.lane[:-1]
            gap[:-1] = np.where(same, self.x[1:] - self.x[:-1] - 1, gap[:-1])
        before_zone = (self.lane >= self.open_lanes) & (self.x < self.zone_start)
        return np.where(before_zone, np.minimum(gap, self.zone_start - self.x - 1), gap)

    def _change_lanes(self) -> None:
        if self.x.size == 0:
            return
        down = self.t % 2 == 0
        step = -1 if down else 1
        gap = self._gaps_ahead()
        in_closed = (self.lane >= self.open_lanes) & (self.x < self.zone_start)
        if down:  # closed-lane cars must merge: they try every even step
            want = in_closed & (self.lane > 0)
        else:
            want = np.zeros(self.x.size, bool)
        obstructed = gap < np.minimum(self.v + 1, self.v_max)
        stays_open = (self.lane < self.open_lanes) & (self.lane + step >= 0) & (self.lane + step < self.open_lanes)
        want |= obstructed & stays_open
        cand = np.flatnonzero(want)
        if cand.size == 0:
            return
        ok, target_gap = self._safe_cells(self.lane[cand] + step, self.x[cand])
        ok &= in_closed[cand] | (target_gap > gap[cand])
        movers = cand[ok]
        if movers.size:
            self.lane[movers] += step
            self._sort()

    def _safe_cells(self, lane: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For cells (lane, x): free and the follower there at least its speed behind; and
        the gap ahead in that lane."""
        keys = self._keys()
        want = self._keys(lane, x)
        i = np.searchsorted(keys, want)
        n = keys.size
        ic = np.minimum(i, n - 1)
        occupied = (i < n) & (keys[ic] == want)
        ahead_same = (i < n) & (self.lane[ic] == lane)
        gap_ahead = np.where(ahead_same, self.x[ic] - x - 1, 2 * self.v_max)
        closed_barrier = (lane >= self.open_lanes) & (x < self.zone_start)
        gap_ahead = np.where(closed_barrier, np.minimum(gap_ahead, self.zone_start - x - 1), gap_ahead)
        ib = np.maximum(i - 1, 0)
        behind_same = (i > 0) & (self.lane[ib] == lane)
        safe_back = ~behind_same | (x - self.x[ib] - 1 >= self.v[ib])
        return ~occupied & safe_back, gap_ahead

    def _drive(self) -> int:
        """The four NaSch rules in parallel; removes and counts cars past the end."""
        if self.x.size == 0:
            return 0
        v = np.minimum(self.v + 1, self.v_max)
        v = np.minimum(v, self._gaps_ahead())
        slow = (self.rng.random(v.size) < self.p_slow) & (v > 0)
        v = v - slow
        x = self.x + v
        stay = x < self.length
        gone = int(v.size - np.count_nonzero(stay))
        if gone:
            self.lane, self.x, self.v, self.ids = self.lane[stay], x[stay], v[stay], self.ids[stay]
        else:
            self.x, self.v = x, v
        return gone

    # -- measurements ----------------------------------------------------------------------
    def _window(self, steps: int) -> np.ndarray:
        k = int(min(max(steps, 1), _HISTORY, self.t))
        return (np.arange(self.t - k, self.t) % _HISTORY) if k else np.zeros(0, np.int64)

    def flow(self, steps: int = 100) -> float:
        """Cars leaving per step, averaged over the last ``steps`` steps (≤ 256)."""
        idx = self._window(steps)
        return float(self._exits[idx].mean()) if idx.size else 0.0

    def throughput_bps(self, steps: int = 100) -> float:
        """:meth:`flow` in B/s: SATURATION_FLOW cars per step ≙ one lane's capacity."""
        return self.flow(steps) / SATURATION_FLOW * self.lane_capacity

    def queue_growth(self, steps: int = 100) -> float:
        """Cars per step added to the on-ramp queue over the last ``steps`` steps."""
        idx = self._window(steps)
        if idx.size < 2:
            return 0.0
        return float(self._queues[idx[-1]] - self._queues[idx[0]]) / (idx.size - 1)

    def queue_growth_bps(self, steps: int = 100) -> float:
        return self.queue_growth(steps) / SATURATION_FLOW * self.lane_capacity

    def cars(self) -> np.ndarray:
        """(n, 4) int array of lane, x, v, id — for drawing (speed for colour)."""
        return np.stack([self.lane, self.x, self.v, self.ids], axis=1)
