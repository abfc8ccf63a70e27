"""Roofline: attainable FLOP/s vs arithmetic intensity for the chosen hardware, the ridge
point, and live operating points for prefill and decode; batch moves the decode point."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...core.engine.resolved import peak_label
from ...core.physics.units import si
from ..theme import colour
from .base import PlotCard, set_line_label
from .fast_label import FastLabel


class RooflinePlot(PlotCard):
    key = "roofline"
    title = "Roofline"
    x_label, x_units = "arithmetic intensity", "FLOP/B"
    y_label, y_units = "attainable", "FLOP/s"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        self.add_curve("peak", "data-sheet roof", "grey", width=1.5, dash=True)
        self.add_curve("effective", "achievable roof (η)", "blue", width=2.5)
        self.add_curve("batch_path", "decode, batch 1 → 4096", "purple", width=1.2)
        self.add_curve("decode", "decode (now)", "orange", dot=True)
        self.add_curve("prefill", "prefill (now)", "green", dot=True)
        self.ridge = self.ink(pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("grey"), style=Qt.PenStyle.DotLine),
                                              label="", labelOpts={"position": 0.5, "anchors": [(0, 0.5), (0, 0.5)]}))
        self.plot.addItem(self.ridge)
        self.decode_label = self.ink(FastLabel("", anchor=(-0.05, -0.15), point_size=9))
        self.plot.addItem(self.decode_label)
        self._decode_point = None
        self.plot.getPlotItem().vb.sigResized.connect(self._place_label)
        self.redraw()

    def redraw(self) -> None:
        r = self.store.results.roofline
        self.set_curve("peak", r.intensity, r.peak_roof)
        self.set_curve("effective", r.intensity, r.effective_roof)
        self.set_curve("batch_path", *r.batch_path)
        self.set_curve("decode", [r.decode_point[0]], [r.decode_point[1]])
        self.set_curve("prefill", [r.prefill_point[0]], [r.prefill_point[1]])
        pinned = self.draw_pinned()
        self.fit_view(r.intensity, np.concatenate([r.peak_roof * 2, r.effective_roof, r.batch_path[1]] + pinned))
        self.ridge.setPos(self.view_xy(r.ridge, 1)[0])
        set_line_label(self.ridge, f"ridge {r.ridge:,.0f}")  # FLOP/B, as the axis says
        self.ridge.setToolTip(f"Ridge point: {r.ridge:,.0f} FLOP/B = data-sheet peak FLOP/s ÷ bandwidth")
        self.set_heading(f"{peak_label(r.peak_key)} peak")
        self.heading.setToolTip(f"Roofs from the {peak_label(r.peak_key)} dense peak and the memory bandwidth of "
                                f"{self.store.scenario.devices}× {self.store.scenario.hardware.name}")
        self.decode_label.setText(f"decode: {si(r.decode_point[1], 'FLOP/s')}")
        self._decode_point = r.decode_point
        self._place_label()

    def pinned_data(self, results) -> dict:
        r = results.roofline
        return {"peak": (r.intensity, r.peak_roof), "effective": (r.intensity, r.effective_roof),
                "batch_path": r.batch_path, "decode": ([r.decode_point[0]], [r.decode_point[1]]),
                "prefill": ([r.prefill_point[0]], [r.prefill_point[1]])}

    def _place_label(self) -> None:
        """Decode label to the right of its point when it fits before the edge, else to the left
        (re-done when the plot is resized)."""
        if self._decode_point is None:
            return
        self.decode_label.setPos(*self.view_xy(*self._decode_point))
        vb = self.plot.getPlotItem().vb
        needed = self.decode_label.boundingRect().width() * vb.viewPixelSize()[0] * 1.1
        x = self.view_xy(self._decode_point[0], 1)[0]
        (left, right), _ = vb.viewRange()
        go_right = right - x >= needed or right - x >= x - left
        # The roof rises to the right of a memory-bound point and is flat past the ridge: below
        # and to the right, or above and to the left, the text never sits on the roof line.
        first = (-0.05, -0.15) if go_right else (1.05, 1.1)
        ridge_text = self.ridge.label.sceneBoundingRect()
        for anchor in (first, (1.05, 1.1) if go_right else (-0.05, -0.15), (-0.05, -1.4), (1.05, -0.15)):
            self.decode_label.setAnchor(anchor)
            box = self.decode_label.boundingRect().translated(self.decode_label.scenePos())
            if not box.intersects(ridge_text):  # never on top of the ridge's own label
                break
