"""Memory and traffic vs context length: weights + KV cache (stacked) against the usable
capacity, the context where it stops fitting, and bytes moved per generated token — all in
GiB, the one memory unit every readout uses."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...core.physics.units import GiB, binary_bytes, count
from ..theme import colour
from .base import PlotCard, set_line_label

VIEW_OVER_CAPACITY = 1.6  # linear y axis shows up to 1.6 × usable memory


class MemoryPlot(PlotCard):
    key = "memory"
    title = "Memory vs context"
    x_label, x_units = "context length", "tokens"
    y_label, y_units = "memory", "GiB"
    default_log = (True, False)
    si_prefix = (True, False)

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        # Stacked areas: the total is filled first (light orange), the weights over it (light
        # blue), so the orange band left between them is the KV cache.
        self.add_curve("total", "weights + KV cache (batch)", "orange", width=1.5, fill="kv_fill")
        self.add_curve("weights", "weights", "blue", width=1.5, fill="weights_fill")
        self.add_curve("traffic", "moved per generated token", "black", dash=True)
        self.add_curve("capacity", "room for weights + KV", "vermillion", width=2)
        self.limit = self.ink(pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("vermillion"), style=Qt.PenStyle.DashLine),
                                              label="", labelOpts={"position": 0.85, "anchors": [(1, 0), (1, 0)]}),
                              "vermillion")
        self.plot.addItem(self.limit)
        self.redraw()

    def pinned_data(self, results) -> dict:
        d = results.memory_traffic
        return {"total": (d.t, (d.weights + d.kv) / GiB), "weights": (d.t, d.weights / GiB),
                "traffic": (d.t, d.bytes_per_token / GiB), "capacity": (d.t, np.full_like(d.t, d.capacity / GiB))}

    def redraw(self) -> None:
        s = self.store.scenario
        d = self.store.results.memory_traffic
        weights, total, traffic, room = d.weights / GiB, (d.weights + d.kv) / GiB, d.bytes_per_token / GiB, d.capacity / GiB
        self.set_curve("weights", d.t, weights)
        self.set_curve("total", d.t, total)
        self.set_curve("traffic", d.t, traffic)
        self.set_curve("capacity", d.t, np.full_like(d.t, room))
        pinned = self.draw_pinned()
        a = self.store.pinned_results.memory_traffic if pinned else None
        if self.log_y:
            self.fit_view(d.t, np.concatenate([total, traffic, [room]] + pinned))
        else:
            # Linear axis: scaled to the capacity line (and the weights), not to the KV curve,
            # which may run far past what fits — the range then holds still while a batch or
            # prompt slider moves, and the story (where it crosses capacity) stays in view.
            top = max(VIEW_OVER_CAPACITY * room, 1.15 * float(weights[0]))
            if a is not None:
                top = max(top, VIEW_OVER_CAPACITY * a.capacity / GiB, 1.15 * float(a.weights[0]) / GiB)
            self.fit_view(d.t, [0.0, top], y_floor=0.0, headroom=1.0)
        if d.fit_limit is None:
            self.limit.setVisible(False)
        else:
            self.limit.setVisible(True)
            at_all = d.fit_limit == 0
            self.limit.setPos(self.view_xy(max(d.fit_limit, 1.0), 1)[0])
            # At the left edge the label reads to the right of the line, so it stays on the plot.
            anchors = [(0, 0), (0, 0)] if at_all else [(1, 0), (1, 0)]
            if self.limit.label.anchors != anchors:
                self.limit.label.anchors = anchors
                self.limit.label.updatePosition()
            set_line_label(self.limit, "does not fit at all: the weights alone exceed the room" if at_all else
                                       f"stops fitting at {count(d.fit_limit)} tokens")
        self.set_heading(f"room {binary_bytes(d.capacity)}")
        self.heading.setToolTip(f"{binary_bytes(d.capacity)} for weights + KV cache on {s.devices}× {s.hardware.name}: "
                                "the usable share of memory less the runtime reserve (GiB = 2³⁰ bytes)")
