"""10⁶-point sweep of decode-step time over context × batch (target ≤ 20 ms on 2 cores)."""

from __future__ import annotations

import numpy as np
from _util import summary, timeit

from explorer.core.engine.estimate import decode_step_time
from explorer.core.engine.resolved import resolve
from explorer.core.state.scenario import default_scenario


def main() -> None:
    r = resolve(default_scenario())
    ctx = np.geomspace(1, 1e6, 1000)[None, :]
    batch = np.geomspace(1, 4096, 1000).round()[:, None]
    times = timeit(lambda: decode_step_time(r, ctx, batch), repeat=15)
    assert decode_step_time(r, ctx, batch).size == 10**6
    print(summary("core sweep, 10^6 decode-step times (context x batch)", times, target_ms=20))


if __name__ == "__main__":
    main()
