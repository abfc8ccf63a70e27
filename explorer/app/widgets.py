"""Reusable controls: a log-scale slider paired with an exact entry box, optional numbers,
and a helper that sets a control's value without echoing a signal back (no feedback loops)."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QSpinBox,
                               QWidget)

SLIDER_STEPS = 1000


class LogSliderSpin(QWidget):
    """A slider on a log scale (for ranges spanning decades) beside an exact spin box.

    Position 0 maps to ``minimum`` (which may be 0); positions 1…SLIDER_STEPS span
    max(minimum, 1)…maximum logarithmically. Emits ``valueChanged(int)`` on user edits.
    """

    valueChanged = Signal(int)

    def __init__(self, minimum: int, maximum: int, value: int, suffix: str = "", tooltip: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._min, self._max = int(minimum), int(maximum)
        self._lo = max(self._min, 1)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setPageStep(SLIDER_STEPS // 20)
        self.spin = QSpinBox()
        self.spin.setRange(self._min, self._max)
        self.spin.setGroupSeparatorShown(True)
        self.spin.setKeyboardTracking(False)  # typed numbers apply on Enter / focus-out
        self.spin.setAccelerated(True)
        if suffix:
            self.spin.setSuffix(f" {suffix}")
        self.spin.setMinimumWidth(104)
        for w in (self, self.slider, self.spin):
            w.setToolTip(tooltip)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)
        self.setValue(value)

    def value(self) -> int:
        return self.spin.value()

    def setValue(self, v: int) -> None:
        """Programmatic set: moves both widgets, emits nothing."""
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            self.spin.setValue(int(v))
            self.slider.setValue(self._to_pos(int(v)))

    def _to_pos(self, v: int) -> int:
        if v <= self._min and self._min == 0:
            return 0
        span = math.log(self._max / self._lo) or 1.0
        frac = math.log(max(v, self._lo) / self._lo) / span
        return max(1 if self._min == 0 else 0, round(frac * SLIDER_STEPS))

    def _from_pos(self, pos: int) -> int:
        if pos == 0 and self._min == 0:
            return 0
        return int(round(self._lo * (self._max / self._lo) ** (pos / SLIDER_STEPS)))

    def _from_slider(self, pos: int) -> None:
        v = self._from_pos(pos)
        with QSignalBlocker(self.spin):
            self.spin.setValue(v)
        self.valueChanged.emit(self.spin.value())

    def _from_spin(self, v: int) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(self._to_pos(v))
        self.valueChanged.emit(v)


def _number_box(box, tooltip: str, suffix: str):
    """What every number box here shares: typed values apply on Enter, a tooltip, a unit."""
    box.setKeyboardTracking(False)
    box.setToolTip(tooltip)
    if suffix:
        box.setSuffix(f" {suffix}")
    return box


def set_optional(box: QDoubleSpinBox, value: float | None) -> None:
    with QSignalBlocker(box):
        box.setValue(box.minimum() if value is None else value)


def read_optional(box: QDoubleSpinBox) -> float | None:
    return None if box.value() <= box.minimum() + 1e-12 else float(box.value())


def field_slider(path: str, value: int, suffix: str, tooltip: str) -> "LogSliderSpin":
    """A log slider and spin box over the core's range for the whole-number field at ``path``."""
    from ..core.state.field_ranges import field_range

    r = field_range(path)
    w = LogSliderSpin(int(r.lo), int(r.hi), value, suffix, tooltip)
    w.setProperty(FIELD_PROPERTY, path)
    w.spin.setProperty(FIELD_PROPERTY, path)
    return w


def set_quietly(widget, value) -> None:
    """Set a control from code without emitting its change signal."""
    with QSignalBlocker(widget):
        if isinstance(widget, QComboBox):
            i = widget.findData(value)
            widget.setCurrentIndex(i if i >= 0 else 0)
        elif hasattr(widget, "setChecked") and isinstance(value, bool):
            widget.setChecked(value)
        else:
            widget.setValue(value)


class NumberBox(QDoubleSpinBox):
    """A number box that shows as many decimals as the value needs (24 GiB, 0.04 TFLOPS, 989.4),
    up to the precision its field's range asks for."""

    def textFromValue(self, v: float) -> str:
        t = f"{v:.{self.decimals()}f}"
        return t.rstrip("0").rstrip(".") if "." in t else t


FIELD_PROPERTY = "field"  # the field a control edits: its range is that field's range in core


def field_box(path: str, tooltip: str, suffix: str = "", special: str = "", step: float | None = None):
    """A number box for the field at ``path`` whose range is the core's (``field_range``): a
    QSpinBox for whole numbers, else a NumberBox with the decimals the range's low end needs.
    An optional field ('not set' = None) gets one position below the range, shown as ``special``."""
    from ..core.state.field_ranges import field_range

    r = field_range(path)
    if r.integer:
        box = int_spin(int(r.lo), int(r.hi), tooltip, suffix)
    else:
        box = NumberBox()
        decimals = max(0, min(3, -math.floor(math.log10(r.lo)))) if r.lo > 0 else 2
        box.setDecimals(decimals)
        step = step or (10 ** -decimals if r.hi <= 1 else 1.0)
        box.setSingleStep(step)
        box.setRange(r.lo - step if r.unset is None else r.lo if r.unset == "no" else min(r.lo, 0.0), r.hi)
        _number_box(box, tooltip, suffix)
    if r.unset is None and special:
        box.setSpecialValueText(special)
    box.setProperty(FIELD_PROPERTY, path)
    return box


def int_spin(minimum: int, maximum: int, tooltip: str, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setGroupSeparatorShown(True)
    return _number_box(box, tooltip, suffix)


def note_label(text: str = "", small: bool = True, rich: bool = False) -> QLabel:
    """A wrapped note. Plain text unless ``rich`` (then the caller escapes any text from a file)."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if small:
        from .theme import themed

        themed(lab, "note")  # size and colour from the theme in use, re-applied on every swap
    return lab


class TextPane(QWidget):
    """Rich text that changes often without re-laying-out the window.

    A QLabel asks its parent layout to recompute on every setText (its size hint may have
    changed), and in a window of plots that relayout repaints everything. A TextPane has a
    fixed height of ``lines`` lines and only repaints itself; text that does not fit is cut
    (the full text is in the tooltip).
    """

    def __init__(self, lines: int = 1, point_size: float | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtGui import QTextDocument

        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        if lines == 1:  # one line: cut at the edge rather than wrap out of sight
            from PySide6.QtGui import QTextOption

            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.NoWrap)
            self._doc.setDefaultTextOption(option)
        self._lines = lines
        font = self.font()
        if point_size:
            font.setPointSizeF(point_size)
        self._doc.setDefaultFont(font)
        self.setFont(font)
        self._html = ""
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(int(line * lines * 1.25) + 2)
        self.setMinimumWidth(20)
        from PySide6.QtWidgets import QSizePolicy

        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_font(self, font) -> None:
        """A new font (theme swap); the height follows."""
        self._doc.setDefaultFont(font)
        self.setFont(font)
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * self._lines * 1.25) + 2)
        self.update()

    def setText(self, html: str) -> None:
        if html != self._html:
            self._html = html
            self._doc.setHtml(html)
            self.setToolTip(html)
            self.update()

    def text(self) -> str:
        return self._html

    def paintEvent(self, _event) -> None:
        from PySide6.QtGui import QPainter

        if self._lines > 1:
            self._doc.setTextWidth(self.width())
        p = QPainter(self)
        self._doc.drawContents(p)
        p.end()


class PlainPane(QWidget):
    """Plain text in a fixed-height box, drawn with one QPainter.drawText (no rich-text
    layout): for numbers and sentences that change on every edit. Optional bold and colour."""

    def __init__(self, lines: int = 1, point_size: float | None = None, bold: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QSizePolicy

        font = self.font()
        if point_size:
            font.setPointSizeF(point_size)
        font.setBold(bold)
        self.setFont(font)
        self._lines = lines
        self._text = ""
        self._colour = None
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * lines * 1.25) + 2)
        self.setMinimumWidth(20)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_point_size(self, size: float) -> None:
        """A new font size (theme swap); the height follows."""
        font = self.font()
        font.setPointSizeF(size)
        self.setFont(font)
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * self._lines * 1.25) + 2)
        self.update()

    def setText(self, text: str, colour: str | None = None) -> None:
        if (text, colour) != (self._text, self._colour):
            self._text, self._colour = text, colour
            self.setToolTip(text)
            self.update()

    def text(self) -> str:
        return self._text

    def colour(self):
        """The colour the text is drawn in: its own, or None (the palette's window text)."""
        from PySide6.QtGui import QColor

        return QColor(self._colour) if self._colour else None

    def paintEvent(self, _event) -> None:
        from PySide6.QtGui import QColor, QPainter

        p = QPainter(self)
        if self._colour:
            p.setPen(QColor(self._colour))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if self._lines > 1:
            flags |= Qt.TextFlag.TextWordWrap
        else:  # one line that does not fit: shrink it (to 60 % at most) rather than clip it
            wide = self.fontMetrics().horizontalAdvance(self._text)
            if wide > self.width() > 0:
                font = self.font()
                font.setPointSizeF(font.pointSizeF() * max(0.6, 0.95 * self.width() / wide))  # hinting: not linear
                p.setFont(font)
        p.drawText(self.rect(), int(flags), self._text)
        p.end()
