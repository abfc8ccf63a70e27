"""RoadWidget: paints a RequestRoad — lanes (bandwidth), the construction zone on closed lanes,
the cars on the road (the running batch, one car a request), the on-ramp queue (requests
waiting for admission) with its count, and a line under the road (lanes open, batch size).
Its words are :meth:`RoadWidget.texts` (what the stage's size and overlap tests read)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.highway.cars import RequestRoad
from ..theme import OKABE_ITO, current

RAMP = 84  # px at the left for the on-ramp queue at the desk's type size (wider with larger text)
CAR_COLOURS = [OKABE_ITO[k] for k in ("blue", "sky", "green", "orange", "purple")]
ALIGN_TOP = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


@dataclass
class RoadText:
    text: str
    rect: QRectF  # in the widget's coordinates
    font: QFont
    colour: QColor
    background: QColor


class RoadWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.road: RequestRoad | None = None
        self.blocked: str | None = None  # a reason to show instead of traffic (does not fit)
        self.queue_text = ""  # the model's queue figure, written under the ramp's count
        self.footer = ""  # under the road: lanes open, batch
        self.text_px: int | None = None  # on stage: the stage's text size (None: the desk's)
        self.setMinimumSize(360, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._brushes = [QBrush(QColor(c)) for c in CAR_COLOURS]
        self.setToolTip("The road is memory bandwidth split into lanes; hatched lanes are closed. Cars are "
                        "requests: they wait on the on-ramp (left) until the running batch has room, ride the "
                        "road while their tokens are generated, one per step, and leave when done.")

    def set_road(self, road: RequestRoad) -> None:
        self.road = road

    # -- geometry and words -------------------------------------------------------------------------
    def text_font(self) -> QFont:
        f = QFont(self.font())
        if self.text_px:
            f.setPixelSize(self.text_px)
        else:
            f.setPointSizeF(current().pt(8.5))
        return f

    def ramp_width(self) -> float:
        fm = QFontMetricsF(self.text_font())
        words = max((fm.horizontalAdvance(line) for line in self._ramp_lines()), default=0.0)
        return max(float(RAMP), words + 10)

    def _ramp_lines(self) -> list[str]:
        r = self.road
        if r is None:
            return []
        lines = ["on-ramp", f"{int(np.floor(r.queue)):,} waiting"]
        return lines + [self.queue_text] if self.queue_text else lines

    def _footer_height(self) -> float:
        return QFontMetricsF(self.text_font()).height() + 4 if self.footer else 0.0

    def road_rect(self) -> QRectF:
        """Where the lanes are (right of the ramp, above the footer)."""
        left = self.ramp_width()
        return QRectF(left, 4, self.width() - left - 8, self.height() - 8 - self._footer_height())

    def texts(self) -> list[RoadText]:
        t = current()
        font = self.text_font()
        fm = QFontMetricsF(font)
        out = []
        if self.road is not None and not self.blocked:
            lines = self._ramp_lines()
            ramp = self.ramp_width()
            for k, line in enumerate(lines):
                w = fm.horizontalAdvance(line)
                out.append(RoadText(line, QRectF((ramp - 6 - w) / 2, 6 + k * fm.height(), w, fm.height()), font,
                                    QColor(t.road_text), QColor(t.ramp)))
        if self.footer:
            road = self.road_rect()
            w = fm.horizontalAdvance(self.footer)
            out.append(RoadText(self.footer, QRectF(road.left(), road.bottom() + 2, w, fm.height()), font,
                                QColor(t.road_text), QColor(t.road)))
        if self.blocked:
            w = fm.horizontalAdvance(self.blocked)
            out.append(RoadText(self.blocked, QRectF((self.width() - w) / 2, (self.height() - fm.height()) / 2, w,
                                                     fm.height()), font, QColor(t.road_text), QColor(t.road)))
        return out

    # -- painting --------------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        t = current()
        p.fillRect(self.rect(), QColor(t.road))
        r = self.road
        if r is None:
            return
        area = self.road_rect()
        left, top, w, h = area.left(), area.top(), area.width(), area.height()
        lane_h = h / r.lanes
        p.setPen(QPen(QColor(t.lane_mark), 1, Qt.PenStyle.DashLine))
        for k in range(1, r.lanes):
            y = top + k * lane_h
            p.drawLine(int(left), int(y), int(left + w), int(y))
        closed = r.lanes - r.open_lanes
        if closed:  # closed lanes: the highest, drawn on top, hatched along the whole road
            zone = QRectF(left, top, w, closed * lane_h)
            p.fillRect(zone, QBrush(QColor(t.colour("orange")), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(QColor(t.colour("orange")), 3))
            p.drawLine(int(left), int(zone.bottom()), int(left + w), int(zone.bottom()))
        if not self.blocked:
            self._paint_traffic(p, area, lane_h)
        for text in self.texts():
            p.setFont(text.font)
            p.setPen(text.colour)
            p.drawText(text.rect, ALIGN_TOP, text.text)
        p.end()

    def _paint_traffic(self, p: QPainter, area: QRectF, lane_h: float) -> None:
        t = current()
        r = self.road
        left, top, w, h = area.left(), area.top(), area.width(), area.height()
        car_h = max(min(lane_h * 0.55, 14.0 * (self.text_px or 11) / 11), 2.0)
        car_w = max(min(w / 40, car_h * 1.3), 3.0)
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
        # on-ramp: the admission queue, the cars stacked from its bottom
        ramp = left - 6
        p.fillRect(QRectF(0, top, ramp, h), QColor(t.ramp))
        k_ = (self.text_px or 11) / 11  # waiting cars grow with the text
        per_row = max(int((ramp - 4) // (12 * k_)), 1)
        shown = int(min(r.queue, per_row * 12))
        p.setBrush(QBrush(QColor(t.colour("vermillion"))))
        for k in range(shown):
            row, col = divmod(k, per_row)
            p.drawRect(QRectF(4 + col * 12 * k_, top + h - 10 * k_ - row * 9 * k_, 9 * k_, 6 * k_))
