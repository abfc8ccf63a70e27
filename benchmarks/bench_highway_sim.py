"""One step of the highway traffic simulation: 16 lanes × 200 cells overloaded (target ≤ 2 ms)."""

from __future__ import annotations

from _util import summary, timeit

from explorer.core.highway.sim import HighwaySim


def main() -> None:
    for closed in (0, 4, 8):
        open_lanes = 16 - closed
        sim = HighwaySim(lanes=16, closed=closed, demand_lanes=2.0 * open_lanes, seed=0)  # ρ = 2
        sim.run(500)  # reach the saturated steady state
        times = timeit(sim.step, repeat=2000)
        assert sim.queue > 0  # overloaded: the on-ramp queue is growing
        name = f"highway sim step, 16 lanes ({closed} closed) x {sim.length} cells, overloaded, {sim.x.size} cars"
        print(summary(name, times, target_ms=2))


if __name__ == "__main__":
    main()
