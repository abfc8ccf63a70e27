"""The highway on stage: the road and the one plot the step names, every text at the stage's size
and in the theme's text colour. The desk's paragraph of figures goes (the stage's readouts and
caption say them, big); the road writes what a caption quotes about it (lanes open, the batch,
the arrivals on the ramp). ``stage_curves`` picks the plot: ``throughput`` (requests/s against
load, with the capacity) or ``latency`` (TTFT p99 and TPOT against load); both when it names
neither."""

from __future__ import annotations

import pyqtgraph as pg

from ...core.text.serving_words import load_words
from ..highway.diagram import latency_title
from ..highway.view import HighwayView
from .stage_text import px_font, style_stage_axes

PLOTS = {"throughput": "flow", "latency": "latency"}


class StageHighway(HighwayView):
    stage_px = 20
    stage_curves: tuple[str, ...] = ()

    @property
    def word_size(self) -> str:  # type: ignore[override]
        return f"{int(self.stage_px * 1.2)}px"

    def plots(self) -> list[pg.PlotWidget]:
        return [self.diagram.flow, self.diagram.latency]

    def refresh(self) -> None:
        super().refresh()
        self._axis_titles()
        st = self.state
        if st is None:
            return
        self.road.footer = (f"{st.open_lanes} of {st.lanes} lanes open · batch up to {st.batch_capacity:,.0f}"
                            if st.point is not None else "")
        if st.point is not None and not st.closed_loop:
            self.road.queue_text = f"{st.demand:.1f}/s arrive"
        elif st.point is not None:
            self.road.queue_text = load_words("concurrency", st.scenario.load)
        self.road.update()

    def stage_fix(self) -> None:
        t = self.theme
        px = self.stage_px
        self.readout.hide()
        self.road.text_px = px
        keep = {PLOTS[k] for k in self.stage_curves if k in PLOTS} or set(PLOTS.values())
        font = px_font(self.font(), px)
        for name in PLOTS.values():
            plot = getattr(self.diagram, name)
            plot.setVisible(name in keep)
            item = plot.getPlotItem()
            style_stage_axes(item, t, px, font)
            item.getAxis("left").setWidth(int(px * 4.2))
            item.getAxis("bottom").setHeight(int(px * 3.4))
            title = latency_title() if name == "latency" else "throughput vs load"
            item.setTitle(title, size=f"{px}px", color=t.text)
        d = self.diagram
        for line in (d.capacity, d.knee):
            line.label.setFont(font)
        for curve, name in ((d.flow_curve, "blue"), (d.ttft, "sky"), (d.tpot, "orange")):  # thicker on stage
            curve.setPen(pg.mkPen(t.colour(name), width=px / 4))
        for point in (d.flow_point, d.ttft_point, d.tpot_point):
            point.setSymbolSize(int(px * 0.9))
        self.refresh()

    def _axis_titles(self) -> None:
        """The diagram re-labels its axes on every update: at the stage's size again."""
        t, px = self.theme, self.stage_px
        for name in PLOTS.values():
            item = getattr(self.diagram, name).getPlotItem()
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                              **{"font-size": f"{px}px", "color": t.text})
                spacing = (1.0, 1.0) if axis.logMode else None  # log: whole decades only (1, 0.1, 0.01)
                if getattr(axis, "stage_tick_step", None) != spacing:
                    axis.stage_tick_step = spacing
                    axis.setTickSpacing(*(spacing or ()))
