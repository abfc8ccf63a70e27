"""FastLabel: plain text pinned to a data point, drawn with one QPainter.drawText.

pyqtgraph's TextItem lays out a QTextDocument on every change and paint; for labels that
move with every edit (bar values, the roofline's decode point) that is a large share of an
update. This item ignores view transformations (its text stays upright and pixel-sized) and
anchors its box to the point like TextItem's ``anchor``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem


class FastLabel(QGraphicsItem):
    def __init__(self, text: str = "", anchor: tuple[float, float] = (0.0, 0.0), color: str | None = None,
                 point_size: float = 8.5, parent: QGraphicsItem | None = None):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        from ..theme import current

        self._base_point_size = point_size  # at font scale 1: a theme swap scales it (restyle)
        self._font = QFont()
        self._font.setPointSizeF(current().plot_pt(point_size))

        self._color = QColor(color or current().text)
        self._anchor = anchor
        self._text = ""
        self._rect = QRectF()
        self.setText(text)

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self.prepareGeometryChange()
        self._text = text
        self._layout()

    def restyle(self, theme) -> None:
        """Take the theme's type size (presenter mode: larger text inside the plots too)."""
        size = theme.plot_pt(self._base_point_size)
        if size != self._font.pointSizeF():
            self.prepareGeometryChange()
            self._font.setPointSizeF(size)
            self._layout()

    def text(self) -> str:
        return self._text

    def font(self) -> QFont:
        return QFont(self._font)

    def color(self) -> QColor:
        return QColor(self._color)

    def setFont(self, font: QFont) -> None:
        """A new font (the stage sets its pixel size); the label re-lays itself out."""
        if font != self._font:
            self.prepareGeometryChange()
            self._font = QFont(font)
            self._layout()

    def setColor(self, color) -> None:
        """The text colour (a theme swap)."""
        c = QColor(color)
        if c != self._color:
            self._color = c
            self.update()

    def setAnchor(self, anchor: tuple[float, float]) -> None:
        if tuple(anchor) != self._anchor:
            self.prepareGeometryChange()
            self._anchor = tuple(anchor)
            self._layout()

    def _layout(self) -> None:
        fm = QFontMetricsF(self._font)
        lines = self._text.split("\n") if self._text else [""]
        w = max(fm.horizontalAdvance(line) for line in lines) + 4
        h = fm.lineSpacing() * len(lines) + 2
        ax, ay = self._anchor
        self._rect = QRectF(QPointF(-ax * w, -ay * h), QRectF(0, 0, w, h).size())

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, _option, _widget=None) -> None:
        painter.setFont(self._font)
        painter.setPen(self._color)
        painter.drawText(self._rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), self._text)
