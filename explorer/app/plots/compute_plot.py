"""Compute growth vs sequence length: relationships (n², h·n², L·h·n²), prefill FLOPs split
into the parameter and attention parts, and cumulative generation with and without a KV
cache. Each legend entry carries two fitted log-log slopes — inside the model's trained
context and far past the crossover n* — and both lengths are marked on the plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...core.engine import series
from ...core.physics.units import count
from ..theme import colour
from .base import PlotCard
from .curve import Curve

CURVES = (  # key, legend name, colour, dashed (pairs are score entries, the rest FLOP)
    ("relationships_head", "pairs per head n²", "sky", True),
    ("relationships_layer", "h·n² scores", "blue", True),
    ("relationships_forward", "L·h·n² scores", "black", True),
    ("flops_linear", "prefill: weights", "green", False),
    ("flops_attention", "prefill: attention", "orange", False),
    ("generation_kv_cache", "generate n, KV cache", "purple", False),
    ("generation_no_cache", "generate n, no cache", "vermillion", False),
)


class ComputePlot(PlotCard):
    key = "compute"
    scale_plot_text = False  # its marks (n², context, n*) sit close together in a small card
    title = "Compute growth vs sequence length"
    x_label, x_units = "sequence length n", "tokens"
    y_label, y_units = "count", ""
    depends = frozenset({"model", "prompt", "generate"})  # per sequence: batch, hardware, precision do not enter

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        for key, name, c, dash in CURVES:
            self.add_curve(key, name, c, dash=dash, units="FLOP" if "flops" in key or "generation" in key else "pairs")
        self.examples = Curve("essay examples", colour("sky"), dot=True)
        self.plot.addItem(self.examples)
        self.examples.setLogMode(self.log_x, self.log_y)
        self.example_labels = []
        for n, rel in series.ESSAY_EXAMPLES:
            label = self.ink(pg.TextItem(f"{n:,} tokens → {count(rel)} pairs", anchor=(-0.06, -0.05)))
            label.setToolTip("The essay's example: every token scored against every token (n²)")
            self.plot.addItem(label)
            self.example_labels.append((label, n, rel))
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("grey"), style=pg.QtCore.Qt.PenStyle.DotLine))
        self.marker.setToolTip("current prompt + generation length")
        self.plot.addItem(self.marker)
        dash = pg.QtCore.Qt.PenStyle.DashLine
        label_opts = {"position": 0.93, "anchors": [(0, 0.5), (0, 0.5)]}  # right of the line, near the top
        self.context_line = self.ink(pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("green"), style=dash), label="",
                                                     labelOpts=label_opts), "green")
        self.context_line.setToolTip("the model's trained context (max_context): slopes fitted on the decade below it")
        self.crossover_line = self.ink(pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("orange"), style=dash), label="",
                                                       labelOpts=dict(label_opts, position=0.8,
                                                                      anchors=[(1, 0.5), (1, 0.5)])),  # left of its line
                                       "vermillion")
        self.crossover_line.setToolTip("n* = P / (L·h·d_head): attention's work equals the weights' work here")
        for line in (self.context_line, self.crossover_line):
            self.plot.addItem(line)
        self.legend_note = ""  # under the legend: polynomial, which term dominates where
        self.growth: dict | None = None
        self._key = None
        self.redraw()

    def redraw(self) -> None:
        s = self.store.scenario
        grid = series.length_grid(s)
        p = self.store.pinned
        key = (s.model, grid[-1], None if p is None else (p.model, p.prompt + p.generate))
        if key != self._key:  # the curves depend on the model and the grid only
            self._key = key
            self._draw_curves(self.store.results.compute_growth)
        self.marker.setPos(self.view_xy(max(1, s.prompt + s.generate), 1)[0])

    def pinned_data(self, results) -> dict:
        data = results.compute_growth
        return {key: (data["n"], data["curves"][key]) for key, *_ in CURVES}

    def reset_cache(self) -> None:
        self._key = None

    def _draw_curves(self, data: dict) -> None:
        self.growth = data
        n = data["n"]
        for key, name, _c, _d in CURVES:
            self.set_curve(key, n, data["curves"][key])
            inside, far = data["slopes_in_context"][key], data["slopes_asymptotic"][key]
            fitted = inside == inside and not key.startswith("relationships")  # pairs are n² by definition
            self.set_legend_name(key, f"{name} ({inside:.1f} → {far:.1f})" if fitted else name)
        pinned = self.draw_pinned()
        self.fit_view(n, np.concatenate(list(data["curves"].values()) + pinned))
        self.examples.set_values([e[0] for e in series.ESSAY_EXAMPLES], [e[1] for e in series.ESSAY_EXAMPLES])
        for label, x, y in self.example_labels:
            label.setPos(*self.view_xy(x, y))
        self.context_line.setPos(self.view_xy(data["max_context"], 1)[0])
        self.context_line.label.setFormat(f"context {data['max_context']:,.0f}")
        n_star = data["n_star"]
        self.crossover_line.setVisible(bool(np.isfinite(n_star)))
        if np.isfinite(n_star):
            self.crossover_line.setPos(self.view_xy(n_star, 1)[0])
            self.crossover_line.label.setFormat(f"n* ≈ {n_star:,.0f}")
        note = f"<i>{series.growth_headline(data)}</i>"
        if note != self.legend_note:
            self.legend_note = note
            self._render_legend()
        self.legend.setToolTip(series.growth_summary(data))
