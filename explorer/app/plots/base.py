"""PlotCard: a titled pyqtgraph plot with units on both axes, a legend, a log-log toggle and a
hover readout of the nearest data point. Curves are created once and updated with setData.
The A/B overlay (``overlay``), the hover readout (``hover``) and range snapping (``ranges``) live
in their own modules."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QPixmapCache
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...core.state.view_rules import LOG_PLOTS
from ..store import AppStore
from ..theme import themed
from ..view_base import StoreView
from ..widgets import TextPane, set_quietly
from .curve import Curve
from .fast_label import FastLabel
from .hover import HoverReadout
from .overlay import PinnedOverlay
from .ranges import finite, keep, snap


def _mantissa(log10_value: float) -> int:
    """The leading digit of 10**log10_value (a minor tick's 2 in 2·10¹)."""
    v = 10 ** log10_value
    return int(round(v / 10 ** np.floor(np.log10(v) + 1e-9)))


def label_125(axis: pg.AxisItem) -> None:
    """A log axis spanning a few decades labels its minor ticks at 1, 2 and 5 only (all nine crowd
    into one another on a narrow plot: "6789101")."""
    plain = axis.logTickStrings
    axis.logTickStrings = lambda values, scale, spacing: [
        s if _mantissa(v) in (1, 2, 5) else None for v, s in zip(values, plain(values, scale, spacing))]


def set_line_label(line, text: str) -> None:
    """Set an InfiniteLine's label only when it changed (re-laying out text is not free)."""
    if line.label.format != text:
        line.label.setFormat(text)


LEFT_AXIS_PX = 58
PIXMAP_CACHE_KB = 128 * 1024  # room for the cached axes of full-screen plots, 4K included


class PlotCard(StoreView):
    """Base for the views. Subclasses build items in ``__init__`` and fill them in ``redraw``."""

    key = ""  # name in ViewState.log_axes
    title = ""
    x_label, x_units = "", ""
    y_label, y_units = "", ""
    default_log = (True, True)
    si_prefix = (True, True)  # SI prefixes on linear axes (off for GiB: no "kGiB")
    scale_plot_text = True  # labels inside the plot follow the type size (off where marks sit close together)

    view_fields = frozenset({"theme", "font_scale", "log_axes"})

    @property
    def log_toggle(self) -> bool:
        """Whether this plot has a log toggle: one list of them, core.state.view_rules.LOG_PLOTS."""
        return self.key in LOG_PLOTS

    def __init__(self, store: AppStore, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setObjectName(type(self).__name__)
        self._series: dict[str, tuple[pg.PlotDataItem, str]] = {}
        self._inked: list[tuple[object, str | int]] = []  # text items drawn in the plot, and their hue
        self.overlay = PinnedOverlay(self)  # pinned scenario (A): twins of the curves, made on first pin
        head = QHBoxLayout()
        # Headings may be longer than a small plot is wide: they never force the window wider.
        self.heading = TextPane(lines=1)
        self.heading.setText(f"<b>{self.title}</b>")
        head.addWidget(self.heading, 3)
        # Only y changes when x is always logarithmic: the box says so.
        self.log_box = QCheckBox("log y" if self.default_log[0] else "log-log")
        self.log_box.setToolTip("Logarithmic y axis (x is always logarithmic here): on log-log axes a curve's "
                                "slope is its growth order (1 linear, 2 quadratic, 3 cubic)" if self.default_log[0]
                                else "Logarithmic axes: a curve's slope is its growth order (1 linear, 2 quadratic, 3 cubic)")
        self._log = (self.default_log[0], store.view.log(self.key, self.default_log[1]) if self.log_toggle
                     else self.default_log[1])
        self.log_box.setChecked(self._log[1])
        self.log_box.setVisible(self.log_toggle)
        self.log_box.toggled.connect(self._log_toggled)
        head.addWidget(self.log_box)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=self.theme.grid_alpha)
        self.plot.setLabel("bottom", self.x_label, units=self.x_units)
        self.plot.setLabel("left", self.y_label, units=self.y_units)
        self._range: tuple | None = None
        self.plot.getPlotItem().vb.disableAutoRange()
        self._apply_log(*self._log)
        self.plot.setMinimumSize(260, 100)  # 100: two rows of cards and a caption bar fit 768 px
        # Axes repaint from a pixmap cache unless their range changes: replaying an axis's
        # text costs ~4 ms a paint, the largest share of an update otherwise. Qt's pixmap cache
        # holds 10 MB by default: one full-screen plot's axis pixmaps (grid included) overflow
        # it at 1920×1080, and every frame then replays them (~45 ms each in presenter mode).
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        for side in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(side)
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # Two tick levels, not three: the finest grid lines halve the cost of redrawing an
            # axis when its range changes and add little a reader can use.
            axis.setStyle(maxTickLevel=1)
        # A fixed axis width: tick labels growing from "10" to "100" must not re-lay-out the
        # plot (which invalidates every cached item and lands as a slow paint one edit later).
        self.plot.getPlotItem().getAxis("left").setWidth(LEFT_AXIS_PX)
        # The legend is a wrapping label under the plot: it never hides a curve and reflows
        # to any width (a pyqtgraph LegendItem either covers data or forces a minimum width).
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        themed(self.legend, "legend")
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._legend: dict[str, tuple[str, str]] = {}  # key -> (glyph html, name)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.legend)
        self.hover = HoverReadout(self)  # the nearest point, in a label in the top-left corner
        self.readout = self.hover.label

    # -- building --------------------------------------------------------------------------
    def add_curve(self, key: str, name: str, colour_name: str | int, width: float = 2.0,
                  dash: bool = False, units: str | None = None, dot: bool = False,
                  fill: str | None = None) -> Curve:
        t = self.theme
        c = t.colour(colour_name)
        item = Curve(name, c, width=t.width(width), dash=dash, dot=dot, fill=fill and getattr(t, fill, fill))
        item.style_key = (colour_name, width, dash, dot, fill)
        self.plot.addItem(item)
        item.setLogMode(self.log_x, self.log_y)
        # Repaint from a pixmap while the curve is unchanged (another item moved).
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        glyph = "●" if dot else ("╍╍" if dash else "━━")
        self._series[key] = (item, self.y_units if units is None else units)
        self._legend[key] = (glyph, name, colour_name)
        self._render_legend()
        return item

    def _render_legend(self) -> None:
        t = self.theme
        parts = [f"<span style='color:{t.colour(c)}; font-weight:bold'>{g}</span>&nbsp;{n.replace(' ', '&nbsp;')}"
                 for g, n, c in self._legend.values()]
        note = getattr(self, "legend_note", "")
        self.legend.setText(" &nbsp; ".join(parts) + (f"<br>{note}" if note else ""))

    def ink(self, item, hue: str | int = "text"):
        """Draw a text item in the plot (a TextItem, a FastLabel, an InfiniteLine's label) in
        ``hue``, read from the theme in use now and after every theme swap, always at AA
        contrast on the plot's background (``Theme.ink``). Returns ``item``."""
        self._inked.append((item, hue))
        self._ink_one(item, hue, self.theme)
        return item

    @staticmethod
    def _ink_one(item, hue, t) -> None:
        colour = t.text if hue == "text" else t.ink(hue)
        target = item.label if isinstance(item, pg.InfiniteLine) else item
        target.setColor(colour)

    # -- A/B compare: the pinned scenario drawn dashed in the same colours ---------------------
    def pinned_data(self, results) -> dict:
        """{curve key: (x, y)} of the pinned scenario (``results`` is its Results)."""
        return {}

    def draw_pinned(self) -> list:
        """Draw (or hide) the pinned scenario's curves; returns their y arrays for fit_view."""
        res = self.store.pinned_results
        return self.overlay.draw(None if res is None else self.pinned_data(res))

    def pinned_curve(self, key: str) -> Curve | None:
        """The pinned scenario's twin of curve ``key`` (None if never drawn)."""
        return self.overlay.twins.get(key)

    def restyle(self) -> None:
        """A theme swap: background, axes, grid, every curve's colour and width, text sizes."""
        t = self.theme
        self.plot.setBackground(t.background)
        item = self.plot.getPlotItem()
        font = QFont(self.font())
        font.setPointSizeF(t.pt(8))
        item.getAxis("left").setWidth(int(LEFT_AXIS_PX * t.font_scale))  # room for larger tick labels
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(t.foreground)
            axis.setTextPen(t.foreground)
            axis.setTickFont(font)
            axis.label.setFont(font)
        self.plot.showGrid(x=True, y=True, alpha=t.grid_alpha)
        for curve, _units in self._series.values():
            name, width, dash, dot, fill = curve.style_key
            curve.restyle(t.colour(name), t.width(width), fill and getattr(t, fill, fill))
        self.overlay.restyle(t)
        for text_item, hue in self._inked:
            self._ink_one(text_item, hue, t)
        self._scale_plot_text(t)
        self._render_legend()
        heading = QFont(self.font())
        heading.setPointSizeF(t.pt(t.base_pt))
        self.heading.set_font(heading)
        self.restyle_items(t)

    def _scale_plot_text(self, t) -> None:
        """Labels drawn inside the plot (marks, bar values, line labels) follow the type size."""
        if not self.scale_plot_text:
            return
        for item in self.plot.scene().items():
            if isinstance(item, FastLabel):
                item.restyle(t)
            elif isinstance(item, pg.TextItem):
                if not hasattr(item, "base_point_size"):
                    item.base_point_size = item.textItem.font().pointSizeF()
                font = QFont(item.textItem.font())
                font.setPointSizeF(t.plot_pt(item.base_point_size))
                item.setFont(font)

    def restyle_items(self, theme) -> None:
        """Subclasses restyle their own items (lines, labels) here."""

    def curve(self, key: str) -> Curve:
        return self._series[key][0]

    def series(self) -> Iterator[tuple[str, Curve, str]]:
        """(key, curve, y units) of every curve this card draws (B, the live scenario), in order."""
        for key, (item, units) in self._series.items():
            yield key, item, units

    def set_curve(self, key: str, x, y) -> None:
        """Update a curve's data — skipped when nothing changed, so an edit that does not
        concern this curve costs no repaint."""
        x, y = finite(x, y, self.log_y)
        item = self.curve(key)
        ox, oy = item.getOriginalDataset()
        if ox.shape == x.shape and np.array_equal(ox, x) and np.array_equal(oy, y):
            return
        item.set_values(x, y)

    def fit_view(self, x_values, y_values, y_floor: float | None = None, headroom: float = 1.08,
                 exact_x: tuple[float, float] | None = None) -> None:
        """Set the visible range from data, snapped to whole decades (log axes) or to 1-2-5
        steps (linear axes). Small changes keep the same range, so the axes' cached
        pictures stay valid and an update repaints only the curves."""
        xr = exact_x or snap(np.asarray(x_values, float), self.log_x, 1.0, None)
        yr = snap(np.asarray(y_values, float), self.log_y, headroom, y_floor)
        if xr is None or yr is None:
            return
        if self._range is not None:  # hysteresis: keep a range that still shows the data well
            xr = keep(self._range[0], xr, self.log_x)
            yr = keep(self._range[1], yr, self.log_y)
        if (xr, yr) == self._range:
            return
        self._range = (xr, yr)
        self.plot.getPlotItem().vb.setRange(xRange=xr, yRange=yr, padding=0)

    def set_heading(self, detail: str) -> None:
        self.heading.setText(f"<b>{self.title}</b>" + (f" — {detail}" if detail else ""))

    def set_legend_name(self, key: str, name: str) -> None:
        glyph, old, c = self._legend[key]
        if old != name:
            self._legend[key] = (glyph, name, c)
            self._render_legend()

    def view_xy(self, x: float, y: float) -> tuple[float, float]:
        """Data → view coordinates for items that do not follow log mode (text, lines)."""
        import math

        lx, ly = self.log_x, self.log_y
        return (math.log10(x) if lx and x > 0 else x), (math.log10(y) if ly and y > 0 else y)

    @property
    def log_x(self) -> bool:
        return self._log[0]

    @property
    def log_y(self) -> bool:
        return self._log[1]

    def _log_toggled(self, on: bool) -> None:
        """The user ticked log-log: a view setting kept in the store (saved with the session)."""
        self.store.set_view(log_axes=self.store.view.with_log(self.key, bool(on)).log_axes)

    def note_change(self, change) -> None:
        if "log_axes" in change.view and self.log_toggle:
            on = self.store.view.log(self.key, self.default_log[1])
            if on != self._log[1]:
                set_quietly(self.log_box, on)
                self._apply_log(self.default_log[0] or on, on)
                self._range = None
                self.reset_cache()

    def reset_cache(self) -> None:
        """Forget memoised data so the next redraw rebuilds every item (after a log toggle)."""

    def _apply_log(self, log_x: bool, log_y: bool) -> None:
        """Log axes show decades of the plain unit (1, 10², 10⁴ tokens); SI prefixes are for
        linear axes only, where they keep tick labels short."""
        item = self.plot.getPlotItem()
        vb = item.vb
        # Carry the visible range into the new axis mode first (log10 ↔ 10^x): pyqtgraph would
        # otherwise evaluate 10^(a linear byte range) and overflow.
        (x0, x1), (y0, y1) = vb.viewRange()
        new = []
        for (a, b), was, now in (((x0, x1), self._log[0], log_x), ((y0, y1), self._log[1], log_y)):
            if was and not now:
                a, b = 10.0 ** min(a, 300), 10.0 ** min(b, 300)
            elif now and not was:
                a, b = np.log10(max(a, b * 1e-6, 1e-300)), np.log10(max(b, 1e-300))
            new.append((a, b))
        vb.setRange(xRange=new[0], yRange=new[1], padding=0, update=False)
        self._log = (log_x, log_y)
        item.setLogMode(log_x, log_y)
        for side, log, prefix in (("bottom", log_x, self.si_prefix[0]), ("left", log_y, self.si_prefix[1])):
            axis = item.getAxis(side)
            axis.enableAutoSIPrefix(prefix and not log)
            if log or not prefix:  # pyqtgraph computes a prefix even while disabling it ("Mtokens", 10⁻⁵…)
                axis.autoSIPrefixScale = 1.0
                axis.setLabel(axis.labelText, axis.labelUnits, unitPrefix="")  # re-lays out the label
                axis.picture = None
                axis.update()
