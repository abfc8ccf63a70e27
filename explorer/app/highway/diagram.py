"""The two plots beside the road, with the live operating point.

Closed loop ("as fast as the hardware allows"): tokens/s and step time against the number of
open lanes — fewer lanes, slower steps, no queue. Open loop (users × a target rate): delivered
vs demanded throughput, and the M/D/1 queueing delay against ρ, drawn only where it is finite
(the curve stops at the plot's ceiling; past ρ = 1 the region is shaded "overloaded")."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from ...core.highway import traffic
from ..theme import colour, current

OVERLOAD_RHO = 1.6  # right edge of the latency plot: room for the "overloaded" region


def _plot(title: str) -> pg.PlotWidget:
    w = pg.PlotWidget(title=title)
    w.setMenuEnabled(False)
    w.setMouseEnabled(x=False, y=False)
    w.showGrid(x=True, y=True, alpha=0.15)
    w.setMinimumSize(240, 150)
    for side in ("left", "bottom"):
        w.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return w


def _point(plot: pg.PlotWidget):
    return plot.plot([], [], pen=None, symbol="o", symbolSize=12, symbolBrush=colour("orange"), symbolPen=colour("black"))


class FundamentalDiagram:
    """Two plots, created once; :meth:`update` switches them between the closed and the open
    loop and moves their data and operating points."""

    def __init__(self):
        self.flow = _plot("")
        self.flow_curve = self.flow.plot([], [], pen=pg.mkPen(colour("blue"), width=2))
        self.ideal = self.flow.plot([], [], pen=pg.mkPen(colour("grey"), width=1, style=Qt.PenStyle.DashLine))
        self.flow_point = _point(self.flow)
        self.latency = _plot("")
        self.lat_curve = self.latency.plot([], [], pen=pg.mkPen(colour("vermillion"), width=2))
        self.lat_point = _point(self.latency)
        self.overload = pg.LinearRegionItem((1.0, OVERLOAD_RHO), movable=False,
                                            brush=pg.mkBrush(213, 94, 0, 40), pen=pg.mkPen(None))
        self.overload_text = pg.TextItem("overloaded\nqueue → ∞", color=current().error, anchor=(0, 0))
        self.capacity_line = pg.InfiniteLine(1.0, angle=90, pen=pg.mkPen(colour("grey"), style=Qt.PenStyle.DotLine))
        for item in (self.overload, self.overload_text, self.capacity_line):
            self.latency.addItem(item)
        self.mode: str | None = None
        self._key = None

    def _set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        self._key = None
        closed = mode == "closed"
        for item in (self.overload, self.overload_text, self.capacity_line):
            item.setVisible(not closed)
        self.ideal.setVisible(not closed)
        if closed:
            self.flow.setTitle("tokens/s vs open lanes")
            self.flow.setLabel("bottom", "open lanes")
            self.flow.setLabel("left", "tokens/s")
            self.latency.setTitle("step time vs open lanes")
            self.latency.setLabel("bottom", "open lanes")
            self.latency.setLabel("left", "step time", "s")
        else:
            self.flow.setTitle("delivered vs demanded")
            self.flow.setLabel("bottom", "demand", "B/s")
            self.flow.setLabel("left", "delivered", "B/s")
            self.latency.setTitle("queueing delay (M/D/1)")
            self.latency.setLabel("bottom", "utilisation ρ")
            self.latency.setLabel("left", "latency ×")
            rho, mult = traffic.latency_curve()
            self.lat_curve.setData(rho, mult)
            self.latency.setXRange(0, OVERLOAD_RHO, padding=0)
            self.latency.setYRange(0, traffic.PLOT_CEILING * 1.05, padding=0)
            self.overload_text.setPos(1.01, traffic.PLOT_CEILING)

    def update(self, st: traffic.HighwayState, sweep: traffic.LaneSweep | None = None) -> None:
        self._set_mode(st.mode)
        if st.closed_loop:
            self._update_closed(st, sweep)
        else:
            self._update_open(st)

    def _update_closed(self, st: traffic.HighwayState, sweep: traffic.LaneSweep | None) -> None:
        if sweep is not None and self._key is not sweep:
            self._key = sweep
            self.flow_curve.setData(sweep.open_lanes, sweep.tokens_per_s)
            self.lat_curve.setData(sweep.open_lanes, sweep.step_time)
            x = (0.5, len(sweep.open_lanes) + 0.5)
            self.flow.setRange(xRange=x, yRange=(0, float(np.max(sweep.tokens_per_s)) * 1.12), padding=0)
            self.latency.setRange(xRange=x, yRange=(0, float(np.max(sweep.step_time)) * 1.12), padding=0)
        if st.open_lanes:
            self.flow_point.setData([st.open_lanes], [st.delivered_tokens_per_s])
            self.lat_point.setData([st.open_lanes], [st.step_time])
        else:
            self.flow_point.setData([], [])
            self.lat_point.setData([], [])

    def _update_open(self, st: traffic.HighwayState) -> None:
        top = max(st.demand, st.capacity, 1.0) * 1.6
        if self._key != (st.capacity, top):
            self._key = (st.capacity, top)
            d = np.linspace(0, top, 200)
            self.flow_curve.setData(d, traffic.delivered(d, st.capacity))
            self.ideal.setData([0, top], [0, top])
            self.flow.setXRange(0, top, padding=0)
            self.flow.setYRange(0, top, padding=0)
        self.flow_point.setData([st.demand], [st.delivered])
        if st.rho < 1:
            rho, y = st.rho, min(st.latency_multiplier, traffic.PLOT_CEILING)
        else:  # off the scale: drawn on the ceiling inside the overloaded region
            rho, y = min(st.rho, OVERLOAD_RHO - 0.02), traffic.PLOT_CEILING
        self.lat_point.setData([rho], [y])
