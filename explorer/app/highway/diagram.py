"""The fundamental diagram beside the road: delivered throughput vs demand, and latency vs
utilisation (M/D/1), each with the live operating point."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from ...core import traffic
from ..theme import colour, current


def _plot(title: str, x: tuple[str, str], y: tuple[str, str]) -> pg.PlotWidget:
    w = pg.PlotWidget(title=title)
    w.setMenuEnabled(False)
    w.setMouseEnabled(x=False, y=False)
    w.showGrid(x=True, y=True, alpha=0.15)
    w.setLabel("bottom", *x)
    w.setLabel("left", *y)
    w.setMinimumSize(240, 150)
    for side in ("left", "bottom"):
        w.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return w


class FundamentalDiagram:
    """Two plots, created once; :meth:`update` moves their data and operating points."""

    def __init__(self):
        self.flow = _plot("Delivered vs demanded", ("demand", "B/s"), ("delivered", "B/s"))
        self.flow_curve = self.flow.plot([], [], pen=pg.mkPen(colour("blue"), width=2))
        self.ideal = self.flow.plot([], [], pen=pg.mkPen(colour("grey"), width=1, style=Qt.PenStyle.DashLine))
        self.flow_point = self.flow.plot([], [], pen=None, symbol="o", symbolSize=12,
                                         symbolBrush=colour("orange"), symbolPen=colour("black"))
        self.latency = _plot("Queueing delay (M/D/1)", ("utilisation ρ", ""), ("latency ×", ""))
        self.lat_curve = self.latency.plot([], [], pen=pg.mkPen(colour("vermillion"), width=2))
        self.lat_point = self.latency.plot([], [], pen=None, symbol="o", symbolSize=12,
                                           symbolBrush=colour("orange"), symbolPen=colour("black"))
        self.latency.setYRange(0, traffic.PLOT_CEILING * 1.05, padding=0)
        self.latency.setXRange(0, 1.25, padding=0)
        self.latency.addItem(pg.InfiniteLine(1.0, angle=90, pen=pg.mkPen(colour("grey"), style=Qt.PenStyle.DotLine),
                                             label="capacity", labelOpts={"position": 0.9, "color": current().text}))
        rho = np.concatenate([np.linspace(0, 0.999, 300), [1.0, 1.25]])
        self.lat_curve.setData(rho, traffic.latency_multiplier_clipped(rho))
        self._capacity = None

    def update(self, st: traffic.HighwayState) -> None:
        top = max(st.demand, st.capacity, 1.0) * 1.6
        if self._capacity != (st.capacity, top):
            self._capacity = (st.capacity, top)
            d = np.linspace(0, top, 200)
            self.flow_curve.setData(d, traffic.delivered(d, st.capacity))
            self.ideal.setData([0, top], [0, top])
            self.flow.setXRange(0, top, padding=0)
            self.flow.setYRange(0, top, padding=0)
        self.flow_point.setData([st.demand], [st.delivered])
        rho = min(st.rho, 1.2) if np.isfinite(st.rho) else 1.2
        self.lat_point.setData([rho], [float(traffic.latency_multiplier_clipped(st.rho))])
