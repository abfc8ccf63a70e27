"""The planner's map: each device × format cell holds the cheapest setup meeting the target, and
the contour runs between cells that meet it and cells that do not (rows made by hand here)."""

from collections import namedtuple

import numpy as np

from explorer.core.serving.plan_map import plan_map

Row = namedtuple("Row", "hardware devices weights kv meets_slo usd_per_million_output_tokens tokens_per_s_per_gpu")


def test_cells_keep_the_cheapest_meeting_setup_and_rows_order_by_best_cell():
    rows = [Row("h100", 2, "fp8", "fp8", True, 0.9, 900), Row("h100", 1, "fp8", "fp8", True, 0.5, 1000),
            Row("h100", 1, "fp8", "fp8", False, 0.1, 5000),  # cheaper but misses: not the cell's best
            Row("a100", 1, "bf16", "bf16", False, 2.0, 300), Row("a100", 4, "fp8", "fp8", True, 1.5, 200),
            Row("l40s", 1, "bf16", "bf16", False, 3.0, 100)]
    m = plan_map(rows)
    assert m.devices == ("h100", "a100", "l40s")  # by each device's best cell: 0.5, 1.5, a miss
    assert m.formats == (("fp8", "fp8"), ("bf16", "bf16"))
    assert m.usd[0, 0] == 0.5 and m.best[0][0].devices == 1
    assert m.meets.tolist() == [[True, False], [True, False], [False, False]]
    assert m.fits.tolist() == [[True, False], [True, True], [False, True]]
    assert np.isnan(m.usd[0, 1]) and m.best[0][1] is None  # nothing of that device and format fits


def test_contour_is_the_edge_of_the_cells_that_meet_the_target():
    rows = [Row("a", 1, "x", "x", True, 1.0, 1), Row("a", 1, "y", "y", False, 1.0, 1),
            Row("b", 1, "x", "x", True, 2.0, 1), Row("b", 1, "y", "y", True, 2.0, 1)]
    m = plan_map(rows)
    # meets: a: [T, F]; b: [T, T]  (rows a, b top to bottom; columns x, y)
    edges = {tuple(sorted(s)) for s in m.contour()}
    by_hand = {((0, 0), (1, 0)),  # top of a·x
               ((0, 0), (0, 1)), ((0, 1), (0, 2)),  # left side of column x
               ((1, 0), (1, 1)),  # between a·x and a·y (a·y misses)
               ((1, 1), (2, 1)),  # top of b·y (under a·y)
               ((2, 1), (2, 2)),  # right of b·y
               ((0, 2), (1, 2)), ((1, 2), (2, 2))}  # bottom
    assert edges == by_hand
