"""Work done once (issue 15): the CLI's sweep as one vectorized pass vs one estimate() per point,
and the per-change figures the views share through Results (fit advice, highway state) —
each printed before (recomputed on every ask) and after (computed once per scenario)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from _util import summary, timeit

from explorer.core.engine.estimate import estimate
from explorer.core.engine.sweep import estimate_sweep
from explorer.core.features.view_results import ViewResults
from explorer.core.highway import traffic
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario
from explorer.core.text import report
from explorer import cli

ARGS = ["sweep", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--vary", "prompt=1:32768", "--points", "4096",
        "--csv", os.devnull]


def main() -> None:
    s = default_scenario()
    values = cli.sweep_values(1, 32768, 4096)
    print(f"sweep of {len(values):,} distinct prompt lengths (--points 4096), in process:")
    print(summary("  before: one estimate() per point", timeit(lambda: [estimate(s.with_(prompt=v)) for v in values],
                                                               repeat=3)))
    print(summary("  after:  engine.sweep.estimate_sweep (one vectorized pass)",
                  timeit(lambda: estimate_sweep(s, "prompt", values), repeat=5)))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "explorer", *ARGS], check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(summary("  the whole CLI process: inference-explorer " + " ".join(ARGS[:-2]) + " --csv FILE", runs))

    big = s.with_(model=presets.model("llama-2-70b"))  # 70B on one RTX 4090: does not fit
    e = estimate(big)
    print("readout sentence of a scenario that does not fit (the fit advice searches devices, formats, batches):")
    print(summary("  before: recomputed on every readout redraw", timeit(lambda: report.bottleneck_sentence(big, e))))
    res = ViewResults(big)
    print(summary("  after:  ViewResults.bottleneck_sentence (redraws after the first)",
                  timeit(lambda: res.bottleneck_sentence, repeat=200)))
    kw = dict(lanes=16, closed=3, shared_fraction=0.0)
    print("highway road per control edit (the view asked twice: on the edit and on the store's change):")
    print(summary("  before: traffic.highway twice", timeit(lambda: [traffic.highway(s, **kw) for _ in range(2)])))
    r2 = ViewResults(s)
    print(summary("  after:  ViewResults.highway, computed once and read twice",
                  timeit(lambda: [ViewResults(s).highway(**kw), r2.highway(**kw)])))


if __name__ == "__main__":
    main()
