"""The hover readout of a plot card: the nearest data point (within 12 px) named in a small
label in the plot's top-left corner; it hides when the mouse leaves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from ...core.physics.units import si
from ..theme import themed

NEAR_PX = 12.0


class HoverReadout(QObject):
    def __init__(self, card):
        super().__init__(card)
        self.card = card
        self.label = themed(QLabel("", card.plot), "overlay")  # styled by the theme in use
        self.label.move(58, 4)
        self.label.hide()
        card.plot.viewport().installEventFilter(self)  # the mouse leaving hides the readout
        self._proxy = pg.SignalProxy(card.plot.scene().sigMouseMoved, rateLimit=30, slot=self.hover)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.label.hide()
        return super().eventFilter(obj, event)

    def hover(self, event) -> None:
        """``event``: (scene position,) as pyqtgraph's SignalProxy delivers it."""
        pos = event[0]
        card = self.card
        vb = card.plot.getPlotItem().vb
        if not card.plot.sceneBoundingRect().contains(pos):
            self.label.hide()
            return
        best, best_d = None, NEAR_PX ** 2
        for _key, item, units in card.series():
            xd, yd = item.getData()
            if xd is None or len(xd) == 0 or not item.isVisible():
                continue
            sx, sy = to_scene(vb, xd, yd)
            d = (sx - pos.x()) ** 2 + (sy - pos.y()) ** 2
            i = int(np.argmin(d))
            if d[i] < best_d:
                ox, oy = item.getOriginalDataset()
                best_d, best = d[i], (item.name(), ox[i], oy[i], units)
        if best is None:
            self.label.hide()
            return
        name, x, y, units = best
        shown = f"{y:,.3g} GiB" if units == "GiB" else si(y, units)
        self.label.setText(f"{name}: {si(x, card.x_units)} → {shown}")
        self.label.adjustSize()
        self.label.show()


def to_scene(vb, xd, yd):
    """View-box data coordinates → scene pixels (vectorised)."""
    tr = vb.childGroup.sceneTransform()
    m = np.array([[tr.m11(), tr.m21(), tr.m31()], [tr.m12(), tr.m22(), tr.m32()]])
    return m[0, 0] * xd + m[0, 1] * yd + m[0, 2], m[1, 0] * xd + m[1, 1] * yd + m[1, 2]
