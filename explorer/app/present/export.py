"""Slides out of the app: a widget (one plot, the overview, the window) as PNG at 2× or SVG, a
plot's data as CSV, the plot image on the clipboard. Every figure carries a one-line caption
strip naming model, hardware, formats and workload (``core.figure_caption``); every file is
written through ``core.atomic`` (temporary file, then rename)."""

from __future__ import annotations

import csv
import io
import re
from contextlib import contextmanager

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from ...core.io.atomic import write_bytes, write_text
from .. import images

SCALE = 2  # PNG pixels per screen pixel: sharp on a projector and in a printed handout
CAPTION_PT = 9.0


def _caption_font() -> QFont:
    f = QFont(QGuiApplication.font())
    f.setPointSizeF(CAPTION_PT)
    return f


def _caption_height(caption: str, width: int) -> int:
    fm = QFontMetrics(_caption_font())
    rect = fm.boundingRect(QRect(0, 0, max(width - 12, 50), 10_000), Qt.TextFlag.TextWordWrap, caption)
    return rect.height() + 10


def _draw_caption(p: QPainter, caption: str, top: int, width: int, height: int) -> None:
    p.fillRect(QRectF(0, top, width, height), QColor("white"))
    p.setPen(QColor("#222222"))
    p.setFont(_caption_font())
    p.drawText(QRectF(6, top + 5, width - 12, height - 5), int(Qt.TextFlag.TextWordWrap), caption)


@contextmanager
def vector_items(widget: QWidget):
    """Draw plot items as vectors while exporting (they normally repaint from pixmap caches)."""
    saved, views, scatters = [], [], []
    for view in widget.findChildren(QGraphicsView) + ([widget] if isinstance(widget, QGraphicsView) else []):
        views.append((view, view.cacheMode()))
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)  # else the background is a bitmap
        for item in view.scene().items():
            if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                saved.append((item, item.cacheMode()))
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            if isinstance(item, pg.ScatterPlotItem):  # symbols as paths, not stamps from a pixmap atlas
                item.setExportMode(True, {"antialias": True})
                scatters.append(item)
    try:
        yield
    finally:
        for scatter in scatters:
            scatter.setExportMode(False)
        for item, mode in saved:
            item.setCacheMode(mode)
        for view, mode in views:
            view.setCacheMode(mode)


def render_image(widget: QWidget, caption: str, scale: int = SCALE) -> QImage:
    """The widget as it looks now, ``scale`` × sharper, with the caption strip below it."""
    w, h = widget.width(), widget.height()
    ch = _caption_height(caption, w)
    img = QImage(QSize(w * scale, (h + ch) * scale), QImage.Format.Format_ARGB32)
    img.setDevicePixelRatio(scale)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    with vector_items(widget):
        widget.render(p, QPoint(0, 0))
    _draw_caption(p, caption, h, w, ch)
    p.end()
    return img


def png_bytes(widget: QWidget, caption: str, scale: int = SCALE) -> bytes:
    return images.png_bytes(render_image(widget, caption, scale))


def svg_bytes(widget: QWidget, caption: str, title: str = "") -> bytes:
    """The widget as an SVG drawing (plot lines and text stay vectors), caption included."""
    w, h = widget.width(), widget.height()
    ch = _caption_height(caption, w)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(w, h + ch))
    gen.setViewBox(QRect(0, 0, w, h + ch))
    gen.setTitle(title or caption)
    gen.setDescription(caption)
    p = QPainter(gen)
    with vector_items(widget):
        widget.render(p, QPoint(0, 0))
    _draw_caption(p, caption, h, w, ch)
    p.end()
    buf.close()
    return bytes(data)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: control characters become spaces, and a cell that
    would start a formula (=, +, -, @) gets a leading apostrophe (OWASP's CSV-injection advice)."""
    text = "".join(c if c.isprintable() else " " for c in str(text))
    return "'" + text if text.lstrip().startswith(FORMULA_START) else text


def safe_caption(caption: str) -> str:
    """The caption as ONE comment line: no line break can end it, and no comma-separated piece of
    it can start a formula in a spreadsheet that splits the line."""
    one = " ".join("".join(c if c.isprintable() else " " for c in caption).split())
    return re.sub(r"(,\s*)([=+\-@])", r"\1'\2", one)


def plot_csv(card, caption: str) -> str:
    """Every curve of a PlotCard as long-format rows: series, x, y (units in the header); the
    caption is the first line, as a comment. Text cells are quoted and made formula-safe; numbers
    are written unquoted, in full precision."""
    out = io.StringIO()
    out.write(f"# {safe_caption(caption)}\n")
    wr = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    x_head = f"{card.x_label} [{card.x_units}]" if card.x_units else card.x_label
    wr.writerow([safe_cell(x) for x in ("series", x_head, "y", "y units")])
    for _key, item, units in card.series():
        x, y = item.getOriginalDataset()
        if x is None:
            continue
        name, unit = safe_cell(item.name()), safe_cell(units)
        for xv, yv in zip(x, y):
            wr.writerow([name, float(xv), float(yv), unit])
    return out.getvalue()


def save(widget: QWidget, path: str, caption: str) -> None:
    """Write ``widget`` to ``path`` as PNG (2×) or SVG by its suffix; raises WriteError/OSError
    (ValueError when the image cannot be encoded)."""
    lower = str(path).lower()
    if lower.endswith(".svg"):
        write_bytes(path, svg_bytes(widget, caption))
    elif lower.endswith(".png"):
        write_bytes(path, png_bytes(widget, caption))
    else:
        raise OSError(f"{path}: choose a .png or .svg file name")


def save_csv(card, path: str, caption: str) -> None:
    write_text(path, plot_csv(card, caption))


def copy_to_clipboard(widget: QWidget, caption: str) -> None:
    QGuiApplication.clipboard().setImage(render_image(widget, caption))
