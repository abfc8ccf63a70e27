"""Curve: a lightweight line (or dot) item that keeps its data in data units.

pyqtgraph's PlotDataItem wraps a PlotCurveItem and a ScatterPlotItem and re-derives bounds,
log transforms and clipping on every ``setData``; with a dozen items updated per edit that
bookkeeping is a large share of an update. A Curve is the PlotCurveItem alone: it applies the
log10 view transform itself (``setLogMode`` is called by the PlotItem like for PlotDataItem)
and draws points ("dots") as zero-length round-capped segments instead of scatter symbols.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt


class Curve(pg.PlotCurveItem):
    def __init__(self, name: str, colour: str, width: float = 2.0, dash: bool = False, dot: bool = False,
                 fill: str | None = None):
        """``fill``: a colour to fill down to the axis floor (1 on log axes, 0 on linear)."""
        pen = pg.mkPen(colour, width=11 if dot else width,
                       style=Qt.PenStyle.DashLine if dash else Qt.PenStyle.SolidLine)
        if dot:
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        super().__init__(pen=pen, name=name, antialias=True)
        self.style_key = None  # how the owning plot asked for it (theme colour name, width…)
        if fill:
            self.setBrush(pg.mkBrush(fill))
            self.setFillLevel(0.0)  # view units: 0 on a linear axis, 10⁰ = 1 on a log axis
        self.dot = dot
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._log = (False, False)

    def restyle(self, colour: str, width: float, fill: str | None = None) -> None:
        """New colour and width (a theme swap); dash and dot stay."""
        pen = pg.mkPen(self.opts["pen"])
        pen.setColor(pg.mkColor(colour))
        if not self.dot:
            pen.setWidthF(width)
        self.setPen(pen)
        if fill:
            self.setBrush(pg.mkBrush(fill))

    # -- data in data units ----------------------------------------------------------------
    def set_values(self, x: np.ndarray, y: np.ndarray) -> None:
        self._x, self._y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self._render()

    def getOriginalDataset(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def setLogMode(self, x: bool, y: bool) -> None:  # called by PlotItem.setLogMode
        if (x, y) != self._log:
            self._log = (x, y)
            self._render()

    def _render(self) -> None:
        x, y = self._x, self._y
        with np.errstate(divide="ignore", invalid="ignore"):
            vx = np.log10(x) if self._log[0] else x
            vy = np.log10(y) if self._log[1] else y
        ok = np.isfinite(vx) & np.isfinite(vy)
        vx, vy = vx[ok], vy[ok]
        if self.dot and vx.size:
            # Each point becomes a zero-length segment; the round cap paints the dot.
            vx, vy = np.repeat(vx, 2), np.repeat(vy, 2)
            vx[1::2] += 1e-9 * np.maximum(np.abs(vx[1::2]), 1.0)
            self.setData(vx, vy, connect="pairs")
        else:
            self.setData(vx, vy)
