"""RoadWidget: paints a RequestRoad — lanes (bandwidth), the construction zone on closed lanes,
the cars on the road (the running batch, one car a request) and the on-ramp queue (requests
waiting for admission) with its count."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.highway.cars import RequestRoad
from ..theme import OKABE_ITO, current

RAMP = 84  # px at the left for the on-ramp queue
CAR_COLOURS = [OKABE_ITO[k] for k in ("blue", "sky", "green", "orange", "purple")]


class RoadWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.road: RequestRoad | None = None
        self.blocked: str | None = None  # a reason to show instead of traffic (does not fit)
        self.queue_text = ""  # the model's queue figure, written under the ramp's count
        self.setMinimumSize(360, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._brushes = [QBrush(QColor(c)) for c in CAR_COLOURS]
        self.setToolTip("The road is memory bandwidth split into lanes; hatched lanes are closed. Cars are "
                        "requests: they wait on the on-ramp (left) until the running batch has room, ride the "
                        "road while their tokens are generated, one per step, and leave when done.")

    def set_road(self, road: RequestRoad) -> None:
        self.road = road

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        t = current()
        p.fillRect(self.rect(), QColor(t.road))
        r = self.road
        if r is None:
            return
        w, h = self.width() - RAMP - 8, self.height() - 8
        lane_h = h / r.lanes
        left, top = RAMP, 4
        p.setPen(QPen(QColor(t.lane_mark), 1, Qt.PenStyle.DashLine))
        for k in range(1, r.lanes):
            y = top + k * lane_h
            p.drawLine(left, int(y), left + int(w), int(y))
        closed = r.lanes - r.open_lanes
        if closed:  # closed lanes: the highest, drawn on top, hatched along the whole road
            zone = QRectF(left, top, w, closed * lane_h)
            p.fillRect(zone, QBrush(QColor(t.colour("orange")), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(QColor(t.colour("orange")), 3))
            p.drawLine(int(left), int(zone.bottom()), int(left + w), int(zone.bottom()))
        if self.blocked:
            p.setPen(QColor(t.road_text))
            f = QFont(self.font())
            f.setPointSizeF(13)
            p.setFont(f)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.blocked)
            p.end()
            return
        car_h = max(min(lane_h * 0.55, 14.0), 2.0)
        car_w = max(min(w / 40, 18.0), 3.0)
        p.setPen(Qt.PenStyle.NoPen)
        if r.x.size:
            xs = left + r.x * (w - car_w)
            ys = top + (r.lanes - 1 - r.lane) * lane_h + (lane_h - car_h) / 2  # lane 0 at the bottom
            colour = r.ids % len(self._brushes)
            for c in range(len(self._brushes)):
                sel = colour == c
                if sel.any():
                    p.setBrush(self._brushes[c])
                    p.drawRects([QRectF(a, b, car_w, car_h) for a, b in zip(xs[sel].tolist(), ys[sel].tolist())])
        # on-ramp: the admission queue
        p.fillRect(QRectF(0, top, RAMP - 6, h), QColor(t.ramp))
        shown = int(min(r.queue, 80))
        p.setBrush(QBrush(QColor(t.colour("vermillion"))))
        per_row = 6
        for k in range(shown):
            row, col = divmod(k, per_row)
            p.drawRect(QRectF(4 + col * 12, top + h - 10 - row * 9, 9, 6))
        p.setPen(QColor(t.road_text))
        f = QFont(self.font())
        f.setPointSizeF(t.pt(8.5))
        p.setFont(f)
        p.drawText(QRectF(2, top + 2, RAMP - 8, 60), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                   f"on-ramp\n{int(np.floor(r.queue)):,} waiting\n{self.queue_text}")
        p.end()
