"""Every text on screen and the background it is drawn on, and the WCAG 2 contrast between them.

Written here, independently of ``explorer.app.theme``: the relative-luminance formula is WCAG
2.1's (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance) and the background of a widget
is *measured*: the most common colour of its area in a grab of the window, not what the
theme says it should be. The text colour is the one the widget paints with: its palette's
foreground after its style sheet is applied, a PlainPane's own colour, the colour named in
rich text (<span style='color:…'>), a plot item's pen.

Legend swatches (a "━━" or "●" in a curve's colour) are samples of the line, not text; they are
left out, as WCAG leaves out the graphics they stand for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

AA = 4.5
SWATCH = set("●━╍■ ")
_SPAN = re.compile(r"<span style='color:\s*(#[0-9A-Fa-f]{6})[^']*'>(.*?)</span>", re.S)


def channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (channel(v / 255) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def rgb(qcolor) -> tuple[int, int, int]:
    return qcolor.red(), qcolor.green(), qcolor.blue()


def hex_rgb(h: str) -> tuple[int, int, int]:
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@dataclass
class Text:
    where: str
    text: str
    fg: tuple[int, int, int]
    bg: tuple[int, int, int]

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.fg, self.bg)

    def __str__(self) -> str:
        return (f"{self.where} {self.text[:40]!r}: #{'%02X%02X%02X' % self.fg} on #{'%02X%02X%02X' % self.bg} "
                f"= {self.ratio:.2f}:1")


def _modal(image, rect) -> tuple[int, int, int]:
    """The most common colour of ``rect`` in ``image`` (a sparse grid of samples): the background."""
    counts: Counter = Counter()
    x0, y0 = max(rect.left(), 0), max(rect.top(), 0)
    x1, y1 = min(rect.right(), image.width() - 1), min(rect.bottom(), image.height() - 1)
    step_x, step_y = max(1, (x1 - x0) // 40), max(1, (y1 - y0) // 20)
    for y in range(y0, y1 + 1, step_y):
        for x in range(x0, x1 + 1, step_x):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    if not counts:
        return (0, 0, 0)
    v = counts.most_common(1)[0][0]
    return (v >> 16) & 255, (v >> 8) & 255, v & 255


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ").strip()


def texts_on_screen(window) -> list[Text]:
    """Every visible, enabled text in ``window`` (its docks included) and its background."""
    import pyqtgraph as pg
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QGroupBox, QLabel, QStyle,
                                   QStyleOptionGroupBox, QTabBar, QWidget)

    from explorer.app.plots.fast_label import FastLabel
    from explorer.app.widgets import PlainPane, TextPane

    image = window.grab().toImage()
    out: list[Text] = []

    def area(w) -> QRect:
        top_left = w.mapTo(window, w.rect().topLeft())
        return QRect(top_left, w.size())

    role = QPalette.ColorRole
    for w in window.findChildren(QWidget):
        if not w.isVisible() or not w.isEnabled() or w.visibleRegion().isEmpty():
            continue  # hidden, disabled (WCAG exempts inactive controls) or scrolled out of sight
        w.ensurePolished()
        name = f"{type(w).__name__}:{w.objectName() or (w.parent().objectName() if w.parent() else '')}"
        seen = w.visibleRegion().boundingRect()
        bg = _modal(image, QRect(w.mapTo(window, seen.topLeft()), seen.size()))
        pal = w.palette()
        if isinstance(w, QLabel) and w.text():
            html = w.text()
            plain = _plain(_SPAN.sub("", html)) if w.textFormat() != 0 else html
            if plain:
                out.append(Text(name, plain, rgb(pal.color(w.foregroundRole())), bg))
            for colour, inner in _SPAN.findall(html):
                inner = _plain(inner)
                if inner and not set(inner) <= SWATCH:
                    out.append(Text(name, inner, hex_rgb(colour), bg))
        elif isinstance(w, PlainPane) and w.text():
            fg = w.colour() or pal.color(role.WindowText)
            out.append(Text(name, w.text(), rgb(fg), bg))
        elif isinstance(w, TextPane) and w.text():
            out.append(Text(name, _plain(w.text()), rgb(pal.color(role.WindowText)), bg))
        elif isinstance(w, QAbstractButton) and w.text():
            out.append(Text(name, w.text(), rgb(pal.color(w.foregroundRole())), bg))
        elif isinstance(w, QComboBox) and w.currentText():
            fg = pal.color(role.Text if w.isEditable() else role.ButtonText)
            out.append(Text(name, w.currentText(), rgb(fg), bg))
        elif isinstance(w, QAbstractSpinBox) and w.text():
            out.append(Text(name, w.text(), rgb(pal.color(role.Text)), bg))
        elif isinstance(w, QGroupBox) and w.title():
            opt = QStyleOptionGroupBox()  # where the style draws the title, and nothing else
            w.initStyleOption(opt)
            r = w.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, opt,
                                         QStyle.SubControl.SC_GroupBoxLabel, w)
            title_bg = _modal(image, QRect(w.mapTo(window, r.topLeft()), r.size()))
            out.append(Text(name, w.title(), rgb(pal.color(role.WindowText)), title_bg))
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                r = w.tabRect(i)
                out.append(Text(name, w.tabText(i), rgb(pal.color(role.WindowText)),
                                _modal(image, QRect(w.mapTo(window, r.topLeft()), r.size()))))
        elif isinstance(w, pg.PlotWidget):
            out += _plot_texts(w, name, bg, FastLabel)
    return out


def _plot_texts(plot, name: str, bg, fast_label_cls) -> list[Text]:
    """Axis tick labels and titles, and every text item drawn inside the plot."""
    import pyqtgraph as pg

    out = []
    item = plot.getPlotItem()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        if axis.isVisible():
            out.append(Text(f"{name} {side} ticks", side, rgb(axis.textPen().color()), bg))
            if axis.label.isVisible() and axis.label.toPlainText():
                out.append(Text(f"{name} {side} label", axis.label.toPlainText(), rgb(axis.label.defaultTextColor()), bg))
    for it in plot.scene().items():
        if not it.isVisible():
            continue
        if isinstance(it, pg.TextItem) and it.toPlainText():
            out.append(Text(f"{name} text", it.toPlainText(), rgb(it.color), bg))
        elif isinstance(it, fast_label_cls) and it.text():
            out.append(Text(f"{name} label", it.text(), rgb(it.color()), bg))
    return out


def failures(texts: list[Text]) -> list[str]:
    return [str(t) for t in texts if t.ratio < AA]
