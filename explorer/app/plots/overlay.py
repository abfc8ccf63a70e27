"""A/B compare on a plot card: the pinned scenario (A) drawn in the same colours, dashed
(dotted where B is already dashed) and a little lighter, under B's curves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from .curve import Curve
from .ranges import finite


def pinned_pen(twin: Curve) -> None:
    """A's look: the same colour, dashed (dotted where B is already dashed), a little lighter."""
    pen = pg.mkPen(twin.opts["pen"])
    c = pen.color()
    c.setAlpha(170)
    pen.setColor(c)
    if not twin.dot:
        pen.setStyle(Qt.PenStyle.DotLine if twin.style_key[2] else Qt.PenStyle.DashLine)
    twin.setPen(pen)


class PinnedOverlay:
    """The twins of one card's curves, made on first pin. ``card`` supplies the curves, the
    theme, the plot and its log mode."""

    def __init__(self, card):
        self.card = card
        self.twins: dict[str, Curve] = {}

    def twin(self, key: str) -> Curve:
        twin = self.twins.get(key)
        if twin is None:
            card = self.card
            item = card.curve(key)
            colour_name, width, dash, dot, _fill = item.style_key
            twin = Curve(f"{item.name()} (A)", card.theme.colour(colour_name), width=card.theme.width(width),
                         dash=True, dot=dot)
            twin.style_key = (colour_name, width, dash, dot, None)
            pinned_pen(twin)
            twin.setZValue(item.zValue() - 0.5)
            card.plot.addItem(twin)
            twin.setLogMode(card.log_x, card.log_y)
            twin.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.twins[key] = twin
        return twin

    def draw(self, data: dict | None) -> list:
        """Draw ``{key: (x, y)}`` (None: no pin, hide every twin); returns the y arrays drawn."""
        if data is None:
            for twin in self.twins.values():
                twin.setVisible(False)
            return []
        ys = []
        for key, (x, y) in data.items():
            twin = self.twin(key)
            x, y = finite(x, y, self.card.log_y)
            ox, oy = twin.getOriginalDataset()
            if not (ox.shape == x.shape and np.array_equal(ox, x) and np.array_equal(oy, y)):
                twin.set_values(x, y)
            if not twin.isVisible():
                twin.setVisible(True)
            ys.append(y)
        for key, twin in self.twins.items():
            if key not in data:
                twin.setVisible(False)
        return ys

    def restyle(self, theme) -> None:
        for twin in self.twins.values():
            name, width, _dash, _dot, _fill = twin.style_key
            twin.restyle(theme.colour(name), theme.width(width))
            pinned_pen(twin)
