"""The two plots beside the road, for the road's scenario (open lanes only) and with its
operating point: completed requests/s against load (the fundamental diagram, with the capacity
the open lanes carry), and TTFT p99 and mean TPOT against load (log y) with the knee. The curves are
the Serving view's for the same scenario (explorer.app.serving.data)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from ...core.highway.traffic import Road
from ..plots.base import label_125
from ..serving.data import serving_data
from ..theme import colour


def latency_title() -> str:
    """The latency plot's title: its curves named in the text colour, each after a swatch of its
    line (a curve's colour as text would not read on every background)."""
    return (f"<span style='color:{colour('sky')}'>━</span> TTFT p99 "
            f"<span style='color:{colour('orange')}'>━</span> TPOT")  # short: the plot is ~260 px wide at 1024×768


def _plot(title: str) -> pg.PlotWidget:
    w = pg.PlotWidget(title=title)
    w.setMenuEnabled(False)
    w.setMouseEnabled(x=False, y=False)
    w.showGrid(x=True, y=True, alpha=0.15)
    label_125(w.getPlotItem().getAxis("bottom"))  # clients on a log axis: 1, 2, 5 labelled
    w.setMinimumSize(240, 150)
    for side in ("left", "bottom"):
        w.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return w


def _point(plot: pg.PlotWidget, name: str = "orange"):
    return plot.plot([], [], pen=None, symbol="o", symbolSize=12, symbolBrush=colour(name), symbolPen=colour("black"))


class FundamentalDiagram:
    def __init__(self):
        self.flow = _plot("throughput vs load")
        self.flow.setLabel("left", "completed", "requests/s")
        self.flow_curve = self.flow.plot([], [], pen=pg.mkPen(colour("blue"), width=2))
        self.capacity = pg.InfiniteLine(angle=0, pen=pg.mkPen(colour("vermillion"), style=Qt.PenStyle.DashLine),
                                        label="capacity", labelOpts={"position": 0.05, "color": colour("vermillion"),
                                                                     "anchors": [(0, 0), (0, 0)]})
        self.flow.addItem(self.capacity)
        self.flow_point = _point(self.flow)
        self.latency = _plot(latency_title())
        self.latency.setLabel("left", "latency", "s")
        self.ttft = self.latency.plot([], [], pen=pg.mkPen(colour("sky"), width=2), name="TTFT p99")
        self.tpot = self.latency.plot([], [], pen=pg.mkPen(colour("orange"), width=2), name="TPOT")
        self.ttft_point = _point(self.latency, "sky")
        self.tpot_point = _point(self.latency, "orange")
        self.knee = pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("vermillion"), style=Qt.PenStyle.DashLine),
                                    label="knee", labelOpts={"position": 0.9, "color": colour("vermillion")})
        self.latency.addItem(self.knee)
        self.data = None

    def update(self, road: Road) -> None:
        if road.point is None:
            for item in (self.flow_curve, self.flow_point, self.ttft, self.tpot, self.ttft_point, self.tpot_point):
                item.setData([], [])
            return
        d = self.data = serving_data(road.scenario)
        unit = "clients" if road.closed_loop else "requests/s"
        log_x = road.closed_loop  # clients: geometric load points; a rate: linear
        for plot in (self.flow, self.latency):
            plot.setLabel("bottom", "concurrency" if road.closed_loop else "arrival rate", unit)
            plot.setLogMode(x=log_x, y=plot is self.latency)
        lx = math.log10 if log_x else float
        c = d.curve
        self.flow_curve.setData(d.loads, c.requests_per_s)
        self.capacity.setPos(road.capacity)
        self.flow.setXRange(lx(d.loads[0]), lx(d.loads[-1]), padding=0)
        self.flow.setYRange(0, max(road.capacity, float(np.nanmax(c.requests_per_s))) * 1.15, padding=0)
        p = road.point
        load = float(road.scenario.load)
        self.flow_point.setData([load], [p.requests_per_s])
        fin = np.isfinite(c.ttft_p99)
        self.ttft.setData(d.loads[fin], c.ttft_p99[fin])
        self.tpot.setData(d.loads, c.tpot_s)
        self.latency.setXRange(lx(d.loads[0]), lx(d.loads[-1]), padding=0)
        ys = np.concatenate([c.ttft_p99[fin], c.tpot_s])
        ys = ys[np.isfinite(ys) & (ys > 0)]
        if ys.size:
            self.latency.setYRange(math.log10(ys.min()) - 0.2, math.log10(ys.max()) + 0.3, padding=0)
        self.ttft_point.setData([load] if math.isfinite(p.ttft_p99) else [], [p.ttft_p99] if math.isfinite(p.ttft_p99) else [])
        self.tpot_point.setData([load], [p.tpot_s])
        self.knee.setVisible(road.knee > 0)
        if road.knee > 0:
            self.knee.setPos(lx(road.knee))
