"""RoadWidget: paints a HighwaySim — lanes, cars coloured by speed, the construction zone on
closed lanes, and the queue of cars waiting to get on. Positions are interpolated between
simulation steps so motion stays smooth at 60 fps."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.highway.sim import HighwaySim
from ..theme import OKABE_ITO, current

# Speed 0 … v_max → colour (stopped is the warmest): Okabe-Ito, ordered for colour-blind readers.
SPEED_COLOURS = [OKABE_ITO[k] for k in ("vermillion", "orange", "yellow", "sky", "blue", "green")]
RAMP = 70  # px at the left for the on-ramp queue


class RoadWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sim: HighwaySim | None = None
        self.frac = 1.0  # 0…1 between the previous and the current simulation step
        self.blocked: str | None = None  # a reason to show instead of traffic (does not fit)
        self._prev: dict[str, np.ndarray] = {}
        self.setMinimumSize(360, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._brushes = [QBrush(QColor(c)) for c in SPEED_COLOURS]
        self.setToolTip("Each lane carries bandwidth ÷ lanes. Cars are memory transfers; colour = speed "
                        "(green fast … vermillion stopped). Hatched lanes are closed.")

    def set_sim(self, sim: HighwaySim) -> None:
        self.sim = sim
        self.remember()

    def remember(self) -> None:
        """Call before a simulation step: keeps positions to interpolate from."""
        s = self.sim
        if s is not None:
            order = np.argsort(s.ids)
            self._prev = {"ids": s.ids[order], "x": s.x[order].astype(float), "lane": s.lane[order].astype(float)}

    def _interpolated(self) -> tuple[np.ndarray, np.ndarray]:
        s = self.sim
        x, lane = s.x.astype(float), s.lane.astype(float)
        p = self._prev
        if not p or not len(p["ids"]) or self.frac >= 1.0:
            return x, lane
        i = np.searchsorted(p["ids"], s.ids)
        i = np.clip(i, 0, len(p["ids"]) - 1)
        known = p["ids"][i] == s.ids
        px, pl = np.where(known, p["x"][i], x), np.where(known, p["lane"][i], lane)
        f = self.frac
        return px + (x - px) * f, pl + (lane - pl) * f

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        t = current()
        p.fillRect(self.rect(), QColor(t.road))
        s = self.sim
        if s is None:
            return
        w, h = self.width() - RAMP - 8, self.height() - 8
        lane_h = h / s.lanes
        cell = w / s.length
        left, top = RAMP, 4
        # lane markings
        p.setPen(QPen(QColor(t.lane_mark), 1, Qt.PenStyle.DashLine))
        for k in range(1, s.lanes):
            y = top + k * lane_h
            p.drawLine(left, int(y), left + int(w), int(y))
        # construction zone: the closed (highest) lanes from zone_start on
        if s.closed:
            zx = left + s.zone_start * cell
            zone = QRectF(zx, top, left + w - zx, s.closed * lane_h)  # highest lanes, drawn on top
            p.fillRect(zone, QBrush(QColor(t.colour("orange")), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(QColor(t.colour("orange")), 3))
            p.drawLine(int(zx), int(zone.top()), int(zx), int(zone.bottom()))
        if self.blocked:
            p.setPen(QColor(t.road_text))
            f = QFont(self.font())
            f.setPointSizeF(13)
            p.setFont(f)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.blocked)
            p.end()
            return
        # cars
        x, lane = self._interpolated()
        car_w, car_h = max(cell * 0.8, 2.0), max(lane_h * 0.6, 2.0)
        p.setPen(Qt.PenStyle.NoPen)
        for v in range(len(self._brushes)):
            sel = np.minimum(s.v, len(self._brushes) - 1) == v
            if not sel.any():
                continue
            p.setBrush(self._brushes[v])
            xs = left + x[sel] * cell
            ys = top + (s.lanes - 1 - lane[sel]) * lane_h + (lane_h - car_h) / 2  # lane 0 at the bottom
            p.drawRects([QRectF(a, b, car_w, car_h) for a, b in zip(xs.tolist(), ys.tolist())])
        # on-ramp queue
        p.fillRect(QRectF(0, top, RAMP - 6, h), QColor(t.ramp))
        shown = min(s.queue, 60)
        p.setBrush(self._brushes[0])
        per_row = 5
        for k in range(shown):
            r, c = divmod(k, per_row)
            p.drawRect(QRectF(4 + c * 12, top + h - 10 - r * 9, 9, 6))
        p.setPen(QColor(t.road_text))
        f = QFont(self.font())
        f.setPointSizeF(t.pt(8.5))
        p.setFont(f)
        p.drawText(QRectF(2, top + 2, RAMP - 8, 30), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                   f"queue\n{s.queue:,}")
        p.end()
