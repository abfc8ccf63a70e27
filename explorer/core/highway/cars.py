"""The moving picture of the highway: requests as cars, seeded and deterministic, pure numpy.

Each car is one request. It waits on the on-ramp (the admission queue) until the running batch
has room (the admission capacity), then rides the road from x = 0 to x = 1 in one request's
decode time (output tokens × TPOT) and leaves. Arrivals: open loop, λ requests per simulated
second (an accumulator, the fraction carried over, so arrivals are steady); closed loop, N cars
in all, a car that leaves re-enters the ramp. Every figure it is driven by comes from
:mod:`explorer.core.highway.traffic` (the serving model); what the picture adds is only that the
cars are countable — below capacity the ramp stays short, past it the ramp's count grows at
λ − capacity per second while the cars on the road keep moving.
"""

from __future__ import annotations

import numpy as np

MAX_CARS = 400  # drawn on the road at most (a larger batch is drawn thinned, same speed)
SNAPSHOT_S = 60.0  # a still of an overloaded road shows its on-ramp after this long past capacity


class RequestRoad:
    def __init__(self, lanes: int = 16, seed: int = 0):
        self.lanes = int(lanes)
        self.rng = np.random.default_rng(seed)
        self.x = np.zeros(0)  # position along the road, 0 … 1
        self.lane = np.zeros(0, np.int64)
        self.ids = np.zeros(0, np.int64)
        self.queue = 0.0  # requests waiting on the ramp
        self._arrivals = 0.0  # fractional arrivals carried over
        self._next_id = 0
        self.open_lanes = self.lanes
        self.crossing_s = 1.0  # seconds a request spends on the road (decode)
        self.batch_capacity = 1.0
        self.rate = 0.0  # open loop: requests/s
        self.clients = 0  # closed loop: cars in all (0 = open loop)
        self.time = 0.0
        self.left = 0  # requests completed

    def configure(self, open_lanes: int, crossing_s: float, batch_capacity: float, rate: float = 0.0,
                  clients: int = 0) -> None:
        """What the serving model says: open lanes, a request's time on the road (s), how many
        requests the batch admits, and the arrivals (λ requests/s, or N clients)."""
        self.open_lanes = max(int(open_lanes), 0)
        self.crossing_s = float(crossing_s) if np.isfinite(crossing_s) and crossing_s > 0 else np.inf
        self.batch_capacity = max(float(batch_capacity), 0.0)
        self.rate, self.clients = float(rate), int(clients)
        if self.open_lanes and self.x.size:  # cars in lanes that closed move over
            self.lane = self.lane % self.open_lanes

    @property
    def running(self) -> int:
        return int(self.x.size)

    @property
    def shown_capacity(self) -> int:
        return int(min(np.floor(self.batch_capacity), MAX_CARS))

    def snapshot(self, running: float, queue: float, queue_growth: float = 0.0) -> None:
        """A still of the steady state (an exported slide, the first frame): ``running`` requests
        on the road, evenly spread along it (in steady state a request's progress is uniform over
        its time on the road), in random lanes, and ``queue`` waiting on the ramp — past capacity
        (``queue`` infinite) the queue ``SNAPSHOT_S`` seconds after arrivals outgrew the road."""
        n = int(min(round(running), self.shown_capacity, MAX_CARS)) if self.open_lanes else 0
        self.x = (np.arange(n) + self.rng.uniform(0.1, 0.9, n)) / max(n, 1)
        self.lane = self.rng.integers(0, max(self.open_lanes, 1), n)
        self.ids = np.arange(self._next_id, self._next_id + n)
        self._next_id += n
        self.queue = float(np.floor(queue if np.isfinite(queue) else queue_growth * SNAPSHOT_S))
        self._arrivals = 0.0

    def step(self, dt: float) -> None:
        """Advance ``dt`` simulated seconds."""
        self.time += dt
        if self.open_lanes == 0:
            return
        if np.isfinite(self.crossing_s):
            self.x = self.x + dt / self.crossing_s
        done = self.x >= 1.0
        n_done = int(done.sum())
        if n_done:
            self.x, self.lane, self.ids = self.x[~done], self.lane[~done], self.ids[~done]
            self.left += n_done
        if self.clients:  # closed loop: whoever is not on the road waits on the ramp
            self.queue = float(max(self.clients - self.running, 0))
        else:
            self._arrivals += self.rate * dt
            whole = int(self._arrivals)
            self._arrivals -= whole
            self.queue += whole
        room = int(max(min(self.shown_capacity - self.running, self.queue), 0))
        if room:
            self.queue -= room
            self.x = np.concatenate([self.x, np.zeros(room)])
            self.lane = np.concatenate([self.lane, self.rng.integers(0, self.open_lanes, room)])
            self.ids = np.concatenate([self.ids, np.arange(self._next_id, self._next_id + room)])
            self._next_id += room
