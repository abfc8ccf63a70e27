"""The stage as a slide: a PNG at 2×, an SVG and PDF pages, all painted from the stage's own
widgets (never a screenshot of the window). SVG and PDF are vectors: text stays text (selectable
in a PDF reader), curves stay paths. Pixmap caches of plot items are switched off while
exporting so nothing reaches the file as a bitmap."""

from __future__ import annotations

import re

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from ..images import png_bytes
from . import svg_clip
from .export import vector_items

PNG_SCALE = 2


def _paint(stage: QWidget, painter: QPainter) -> None:
    bg = stage.palette().color(stage.backgroundRole())
    painter.fillRect(QRect(0, 0, stage.width(), stage.height()), bg)
    stage.render(painter, QPoint(0, 0))


def png(stage: QWidget, scale: int = PNG_SCALE, title: str = "") -> bytes:
    """The slide at ``scale``×, drawn from its SVG: lines and text scale together (a cosmetic
    pen painted straight onto a 2× image would come out half as thick)."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg(stage, title)))
    image = QImage(stage.width() * scale, stage.height() * scale, QImage.Format.Format_RGB32)
    image.fill(stage.palette().color(stage.backgroundRole()))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return png_bytes(image)


def svg(stage: QWidget, title: str) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(stage.width(), stage.height()))
    gen.setViewBox(QRect(0, 0, stage.width(), stage.height()))
    gen.setTitle(title)
    gen.setResolution(96)
    with vector_items(stage):
        painter = QPainter(gen)
        _paint(stage, painter)
        painter.end()
    buf.close()
    return device_coordinates(bytes(data), plot_areas(stage))


def plot_areas(stage: QWidget) -> list[QRectF]:
    """Where each plot's data area is on the stage (curves are clipped to it)."""
    import pyqtgraph as pg

    out = []
    for view in stage.findChildren(pg.PlotWidget):
        if view.isVisible():
            vb = view.getPlotItem().vb
            r = view.mapFromScene(vb.sceneBoundingRect()).boundingRect()
            out.append(QRectF(r.translated(view.mapTo(stage, QPoint(0, 0)))))
    return out


_GROUP = re.compile(r'<g ([^>]*?)transform="matrix\(([^)]*)\)"([^>]*)>(.*?)</g>', re.S)
_PAIR = re.compile(r"(-?[\d.]+(?:e[-+]?\d+)?),(-?[\d.]+(?:e[-+]?\d+)?)")


def device_coordinates(svg_bytes: bytes, areas: list[QRectF]) -> bytes:
    """Qt writes a plot's curves and fills in data coordinates under a scaling matrix (curves with
    ``vector-effect="non-scaling-stroke"``); renderers that ignore that effect (cairo, some
    editors) scale the line width with the data and draw thick bands. Put the points in the
    page's coordinates instead (line widths then mean what they say) and clip them to their
    plot's area, as the screen does (a fill under a curve that leaves the plot included)."""
    text = svg_bytes.decode("utf-8")
    clips: list[str] = []

    def fix(m: re.Match) -> str:
        head, matrix, tail, body = m.groups()
        a, b, c, d, e, f = (float(v) for v in matrix.split(","))
        if (a, b, c, d) == (1.0, 0.0, 0.0, 1.0) or "<text" in body or "<image" in body \
                or not re.search(r'\b(?:d|points)="', body):
            return m.group(0)  # text and pictures keep their matrix; shapes in data units do not
        pts = []

        def move(p: re.Match) -> str:
            x, y = float(p.group(1)), float(p.group(2))
            X, Y = a * x + c * y + e, b * x + d * y + f
            pts.append((X, Y))
            return f"{X:.2f},{Y:.2f}"

        body = re.sub(r'(\b(?:d|points)=")([^"]*)(")', lambda q: q.group(1) + _PAIR.sub(move, q.group(2)) + q.group(3),
                      body)
        body = body.replace(' vector-effect="non-scaling-stroke"', "")
        clip = ""
        if pts and areas:
            # its plot: the area holding most of its points (a curve may run far outside its plot,
            # and two plots side by side make "the nearest" ambiguous), else the nearest
            inside = [sum(r.left() <= x <= r.right() and r.top() <= y <= r.bottom() for x, y in pts) for r in areas]
            if max(inside) > 0:
                area = areas[inside.index(max(inside))]
            else:
                xs, ys = sorted(p[0] for p in pts), sorted(p[1] for p in pts)
                mid = QPoint(int(xs[len(xs) // 2]), int(ys[len(ys) // 2]))
                area = min(areas, key=lambda r: (r.center().x() - mid.x()) ** 2 + (r.center().y() - mid.y()) ** 2)
            clips.append(f'<clipPath id="plot{len(clips)}"><rect x="{area.x():.1f}" y="{area.y():.1f}" '
                         f'width="{area.width():.1f}" height="{area.height():.1f}"/></clipPath>')
            clip = f' clip-path="url(#plot{len(clips) - 1})"'
            body = _clipped(body, area, 'fill="none"' not in head + tail)
        return f"<g {head}{tail}{clip}>{body}</g>"

    text = _GROUP.sub(fix, text)
    text = text.replace(' vector-effect="non-scaling-stroke"', "")  # what is left is at scale 1: no effect
    if clips:
        text = text.replace("<desc>", "<defs>" + "".join(clips) + "</defs>\n<desc>", 1) if "<desc>" in text \
            else re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + "<defs>" + "".join(clips) + "</defs>", text, count=1)
    return text.encode("utf-8")


def _clipped(body: str, area: QRectF, filled: bool) -> str:
    """The group's shapes cut at its plot's area (for renderers without clip-path: Qt's)."""
    box = (area.left(), area.top(), area.right(), area.bottom())
    body = re.sub(r'<polyline([^>]*?)points="([^"]*)"', lambda m: f'<path{m.group(1)}d="M{" L".join(m.group(2).split())}"',
                  body)
    return re.sub(r'(\bd=")([^"]*)(")', lambda m: m.group(1) + svg_clip.clip_d(m.group(2), box, filled) + m.group(3), body)


class Pdf:
    """One page per slide, each the stage's size (1 px = 0.75 pt), text as text."""

    def __init__(self, width: int, height: int, title: str):
        self.data = QByteArray()
        self.buf = QBuffer(self.data)
        self.buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self.buf)
        self.writer.setTitle(title)
        self.writer.setCreator("Inference Scaling Explorer")
        page = QPageSize(QSizeF(width * 0.75, height * 0.75), QPageSize.Unit.Point, "slide")
        self.writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        self.writer.setResolution(96)
        self.painter: QPainter | None = None
        self.pages = 0

    def page(self, stage: QWidget) -> None:
        if self.painter is None:
            self.painter = QPainter(self.writer)
        else:
            self.writer.newPage()
        with vector_items(stage):
            _paint(stage, self.painter)
        self.pages += 1

    def finish(self) -> bytes:
        if self.painter is None:
            raise ValueError("no pages to write")
        self.painter.end()
        self.buf.close()
        if self.data.isEmpty():
            raise ValueError("Qt's PDF writer produced nothing")
        return bytes(self.data)


def notes_pdf(tour) -> bytes:
    """The speaker's notes: one A4 page per step (title, caption as shown, notes)."""
    from html import escape

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setTitle(f"{tour.title} — speaker notes")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setResolution(96)
    painter = QPainter(writer)
    area = writer.pageLayout().paintRectPixels(96)
    for i, step in enumerate(tour.steps):
        if i:
            writer.newPage()
        doc = QTextDocument()
        doc.setTextWidth(area.width())
        doc.setHtml(f"<p style='color:#555'>{i + 1} / {len(tour)}</p><h2>{escape(step.title)}</h2>"
                    f"<p><i>{escape(step.caption)}</i></p><p style='font-size:13pt'>"
                    f"{escape(step.notes or '(no notes)')}</p>")
        painter.save()
        doc.drawContents(painter, QRectF(0, 0, area.width(), area.height()))
        painter.restore()
    painter.end()
    buf.close()
    return bytes(data)


__all__ = ["Pdf", "notes_pdf", "png", "svg"]
