"""The deployment search's rows as a 2-D map: devices × weight/KV format, each cell the cheapest
setup of that device and format (over device counts and runtimes) that meets the latency target,
and the target's contour — the edges between cells that meet it and cells that do not.

Input: ``planner.plan`` rows (objects with ``hardware``, ``weights``, ``kv``, ``meets_slo``,
``usd_per_million_output_tokens``, ``tokens_per_s_per_gpu``). A cell with no setup that fits is
``fits=False``; one whose setups all miss the target is ``meets=False`` and keeps its best miss.
Pure bookkeeping: every figure is the planner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class PlanMap:
    devices: tuple[str, ...]  # hardware preset IDs, rows (cheapest best first)
    formats: tuple[tuple[str, str], ...]  # (weights, kv), columns
    usd: np.ndarray  # [device, format] $ per million output tokens of the cell's best setup (nan: none)
    tokens_per_gpu: np.ndarray  # [device, format] tokens/s per GPU of that setup
    meets: np.ndarray  # bool [device, format]: some setup in the cell meets the target
    fits: np.ndarray  # bool [device, format]: some setup in the cell fits at all
    best: tuple[tuple[Any, ...], ...]  # [device][format] the cell's best row (None: none fits)

    def contour(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Cell edges between a cell meeting the target and one not (or the map's border), in cell
        coordinates (x = format column, y = device row; cell (i, j) spans [j, j+1] × [i, i+1])."""
        m = np.pad(self.meets, 1, constant_values=False)
        segs = []
        rows, cols = self.meets.shape
        for i in range(rows):
            for j in range(cols):
                if not m[i + 1, j + 1]:
                    continue
                if not m[i, j + 1]:
                    segs.append(((j, i), (j + 1, i)))
                if not m[i + 2, j + 1]:
                    segs.append(((j, i + 1), (j + 1, i + 1)))
                if not m[i + 1, j]:
                    segs.append(((j, i), (j, i + 1)))
                if not m[i + 1, j + 2]:
                    segs.append(((j + 1, i), (j + 1, i + 1)))
        return segs


def _rank(r) -> tuple:
    usd = r.usd_per_million_output_tokens
    return (not r.meets_slo, usd if usd is not None else float("inf"), -r.tokens_per_s_per_gpu)


def plan_map(rows: Sequence[Any]) -> PlanMap:
    best: dict[tuple[str, tuple[str, str]], Any] = {}
    formats: list[tuple[str, str]] = []
    for r in rows:
        f = (r.weights, r.kv)
        if f not in formats:
            formats.append(f)
        key = (r.hardware, f)
        if key not in best or _rank(r) < _rank(best[key]):
            best[key] = r
    hw_best: dict[str, tuple] = {}
    for (hw, _f), r in best.items():
        if hw not in hw_best or _rank(r) < hw_best[hw]:
            hw_best[hw] = _rank(r)
    devices = sorted(hw_best, key=lambda h: hw_best[h])
    shape = (len(devices), len(formats))
    usd, tok = np.full(shape, np.nan), np.full(shape, np.nan)
    meets, fits = np.zeros(shape, bool), np.zeros(shape, bool)
    cells = []
    for i, hw in enumerate(devices):
        row = []
        for j, f in enumerate(formats):
            r = best.get((hw, f))
            row.append(r)
            if r is None:
                continue
            fits[i, j], meets[i, j] = True, bool(r.meets_slo)
            usd[i, j] = np.nan if r.usd_per_million_output_tokens is None else r.usd_per_million_output_tokens
            tok[i, j] = r.tokens_per_s_per_gpu
        cells.append(tuple(row))
    return PlanMap(tuple(devices), tuple(formats), usd, tok, meets, fits, tuple(cells))
