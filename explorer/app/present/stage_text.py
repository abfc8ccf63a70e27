"""Text on stage: a plot card shown on the stage gets every text item (ticks, axis titles,
legend, labels inside the plot) at the stage's pixel size and in the theme's text colour, keeps
only the curves its step names, and ignores the mouse wheel. :func:`text_boxes` lists every
text item a viewer sees with its box in stage coordinates and its colours (the tests check
sizes, overlaps and contrast with it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from ..plots.fast_label import FastLabel
from ..plots.overlay import pinned_pen
from ..widgets import PlainPane, TextPane


def px_font(base: QFont, px: int, bold: bool = False) -> QFont:
    f = QFont(base)
    f.setPixelSize(max(1, int(px)))
    f.setBold(bold)
    return f


def style_stage_axes(item, theme, px: int, font: QFont) -> list:
    """A plot's left and bottom axes at stage size, in the theme's colours, only major ticks
    labelled; returns the two axes."""
    axes = [item.getAxis(side) for side in ("left", "bottom")]
    for axis in axes:
        axis.setTickFont(font)
        axis.setTextPen(theme.text)
        axis.setPen(theme.foreground)
        axis.setStyle(tickTextOffset=max(5, px // 3), maxTextLevel=0)  # labelled ticks: the major ones
    return axes


class StagePlot:
    """Mixed into a PlotCard class for the stage (see :func:`stage_class`)."""

    stage_px = 20
    stage_curves: tuple[str, ...] = ()

    def sync(self) -> None:  # after every redraw: new labels get the stage's size too
        super().sync()
        self.stage_fix()

    def restyle(self) -> None:
        super().restyle()
        self.stage_fix()

    def stage_fix(self) -> None:
        t = self.theme
        px = self.stage_px
        font = px_font(self.font(), px)
        item = self.plot.getPlotItem()
        for axis in style_stage_axes(item, t, px, font):
            axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                          **{"font-size": f"{px}px", "color": t.text})
        (x0, x1), (y0, y1) = item.vb.viewRange()
        for side, span, length, per in (("bottom", x1 - x0, item.vb.width(), 4.0), ("left", y1 - y0, item.vb.height(), 2.2)):
            axis = item.getAxis(side)
            if axis.logMode and span > 0 and length > 0:  # whole decades, as many as fit at this size
                most = max(2, int(length // (px * per)))
                step = float(max(1, math.ceil(span / most)))
                if getattr(axis, "stage_tick_step", None) != step:  # re-laying out ticks is not free
                    axis.stage_tick_step = step
                    axis.setTickSpacing(major=step, minor=step)
        item.getAxis("left").setWidth(int(px * 4.6))
        item.getAxis("bottom").setHeight(int(px * 3.4))
        for it in self.plot.scene().items():
            if isinstance(it, FastLabel):
                it.setFont(px_font(it.font(), px))
                it.setColor(t.text)
            elif isinstance(it, pg.TextItem):
                if not hasattr(it, "base_point_size"):  # the desk's size, for a theme swap (PlotCard._scale_plot_text)
                    it.base_point_size = it.textItem.font().pointSizeF() if it.textItem.font().pointSizeF() > 0 else 8.0
                it.setFont(px_font(it.textItem.font(), px))
                it.setColor(t.text)
        self._render_legend()
        self.legend.setStyleSheet(f"font-size: {px}px; color: {t.text};")
        self.heading.set_font(px_font(self.font(), px, bold=True))
        self.log_box.hide()
        self.readout.hide()
        for w in self.findChildren(QWidget):
            if type(w).__name__ == "QToolButton":
                w.hide()
        keep = self.stage_curves
        hidden = self.__dict__.setdefault("_stage_hidden", set())
        for key, curve, _units in self.series():
            shown = not keep or key in keep
            twin = self.pinned_curve(key)
            if not shown:
                curve.setVisible(False)
                if twin is not None:
                    twin.setVisible(False)
                hidden.add(key)
            elif key in hidden:  # hidden by an earlier step: back as the card draws it
                hidden.discard(key)
                curve.setVisible(True)
                if twin is not None:
                    twin.setVisible(self.store.pinned is not None)
        thick = px / 8.0  # fewer curves, thicker: 2.5× the desk's width at 20 px
        for key, curve, _units in self.series():
            name, width, _dash, dot, fill = curve.style_key
            w = 11 * thick / 1.6 if dot else t.width(width) * thick  # a point is drawn as a wide pen's dot
            twin = self.pinned_curve(key)
            for c in (curve, twin):
                if c is None:
                    continue
                c.restyle(t.colour(name), w, fill and getattr(t, fill, fill) if c is curve else None)
                if dot:  # Curve.restyle keeps a point's size: set it here
                    pen = pg.mkPen(c.opts["pen"])
                    pen.setWidthF(w)
                    c.setPen(pen)
            if twin is not None:
                pinned_pen(twin)
        self.stage_marks(keep)

    def stage_marks(self, keep) -> None:
        """Marks and labels inside a plot, placed so none is cut off or crossed on stage."""
        line = getattr(self, "context_line", None)
        if line is not None and line.label.anchors != [(1, 0.5), (1, 0.5)]:  # left of its line: never past the edge
            line.label.anchors = [(1, 0.5), (1, 0.5)]
            line.label.updatePosition()
        cross = getattr(self, "crossover_line", None)
        if cross is not None and keep and "flops_attention" not in keep:
            cross.label.setVisible(False)  # n* is about prefill's attention: only where that curve is shown
        elif cross is not None:
            cross.label.setVisible(True)
        examples = getattr(self, "example_labels", ())
        context = self.store.scenario.prompt + self.store.scenario.generate
        pairs = not keep or "relationships_head" in keep
        for label, n, _rel in examples:  # the essay's example at this step's length, alone (they collide at 20 px)
            label.setVisible(pairs and n == context)
        if examples:
            self.examples.setVisible(pairs)
        ridge = getattr(self, "ridge", None)
        if ridge is not None and ridge.label.orthoPos != 0.95:  # high on its line, above the roofs
            ridge.label.setPosition(0.95)
            self._place_label()
        for label in getattr(self, "labels", ()):  # bar labels: the figure alone
            if isinstance(label, FastLabel) and "\n" in label.text():
                label.setText(label.text().split("\n")[0])

    def _render_legend(self) -> None:  # only the curves kept on stage
        keep = self.stage_curves
        if keep:
            full = self._legend
            self._legend = {k: v for k, v in full.items() if k in keep}
            try:
                super()._render_legend()
            finally:
                self._legend = full
        else:
            super()._render_legend()

    def wheelEvent(self, event) -> None:  # no zoom on stage
        event.accept()


_CLASSES: dict[type, type] = {}


def stage_class(cls: type) -> type:
    """``cls`` as a stage plot (one class per plot class)."""
    if cls not in _CLASSES:
        _CLASSES[cls] = type(f"Stage{cls.__name__}", (StagePlot, cls), {})
    return _CLASSES[cls]


@dataclass
class TextBox:
    text: str
    rect: QRectF  # in the stage's coordinates
    px: float  # font pixel size
    colour: QColor
    background: QColor
    owner: str  # which view or part


def _font_px(font: QFont) -> float:
    if font.pixelSize() > 0:
        return float(font.pixelSize())
    return font.pointSizeF() * 96.0 / 72.0


def _plot_boxes(view: pg.PlotWidget, key: str, t, stage: QWidget) -> list[TextBox]:
    out = []
    bg = QColor(t.background)
    origin = view.mapTo(stage, view.rect().topLeft())

    def to_stage(r: QRectF) -> QRectF:
        return r.translated(origin.x(), origin.y())

    item = view.getPlotItem()
    canvas = QPixmap(1, 1)  # kept alive while the painter is open
    painter = QPainter(canvas)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        if not axis.isVisible():
            continue
        specs = axis.generateDrawSpecs(painter)
        if specs is None:
            continue
        for rect, _flags, text in specs[2]:
            scene = axis.mapRectToScene(rect)
            r = view.mapFromScene(scene).boundingRect()
            out.append(TextBox(text, to_stage(QRectF(r)), _font_px(axis.style["tickFont"] or view.font()),
                               QColor(axis.textPen().color()), bg, f"{key} {side} ticks"))
        if axis.label.isVisible() and axis.labelText:
            m = axis.label.document().documentMargin()  # the text, not its margin
            r = view.mapFromScene(axis.label.sceneBoundingRect().adjusted(m, m, -m, -m)).boundingRect()
            doc_font = axis.label.font()
            size = float(axis.labelStyle.get("font-size", "0px").rstrip("px") or 0) or _font_px(doc_font)
            colour = QColor(axis.labelStyle.get("color", t.text))
            out.append(TextBox(axis.labelText, to_stage(QRectF(r)), size, colour, bg, f"{key} {side} title"))
    painter.end()
    for it in view.scene().items():
        if not it.isVisible() or (it.parentItem() is not None and not it.parentItem().isVisible()):
            continue
        if isinstance(it, FastLabel) and it.text():
            r = it.deviceTransform(view.viewportTransform()).mapRect(it.boundingRect())
            out.append(TextBox(it.text(), to_stage(r), _font_px(it.font()), it.color(), bg, f"{key} label"))
        elif isinstance(it, pg.TextItem) and it.textItem.toPlainText().strip():
            r = it.textItem.deviceTransform(view.viewportTransform()).mapRect(it.textItem.boundingRect())
            out.append(TextBox(it.textItem.toPlainText(), to_stage(r), _font_px(it.textItem.font()),
                               QColor(it.color), bg, f"{key} label"))
        elif isinstance(it, pg.LabelItem) and it.item.toPlainText().strip():  # a plot's title
            m = it.item.document().documentMargin()
            r = view.mapFromScene(it.item.sceneBoundingRect().adjusted(m, m, -m, -m)).boundingRect()
            size = float(str(it.opts.get("size") or "0px").rstrip("px").rstrip("pt") or 0) or _font_px(it.item.font())
            colour = QColor(pg.mkColor(it.opts["color"])) if it.opts.get("color") else it.item.defaultTextColor()
            out.append(TextBox(it.item.toPlainText(), to_stage(QRectF(r)), size, colour, bg, f"{key} title"))
    return out


def _road_boxes(road, stage: QWidget) -> list[TextBox]:
    origin = road.mapTo(stage, road.rect().topLeft())
    return [TextBox(t.text, t.rect.translated(origin.x(), origin.y()), _font_px(t.font), t.colour, t.background,
                    "highway road") for t in road.texts()]


def _widget_boxes(root: QWidget, stage: QWidget, skip: set) -> list[TextBox]:
    out = []
    for w in root.findChildren(QWidget):
        if not w.isVisible() or any(w is s or s.isAncestorOf(w) for s in skip):
            continue
        if isinstance(w, QLabel) and w.text():
            text = w.text()
        elif isinstance(w, (PlainPane, TextPane)) and w.text():
            text = w.text()
        else:
            continue
        pal = w.palette()
        colour = getattr(w, "_colour", None)
        colour = QColor(colour) if colour else pal.color(w.foregroundRole())
        top_left = w.mapTo(stage, w.rect().topLeft())
        out.append(TextBox(text, QRectF(QPointF(top_left), w.size().toSizeF()), _font_px(w.font()), colour,
                           pal.color(w.backgroundRole()), type(w).__name__))
    return out


def text_boxes(stage) -> list[TextBox]:
    """Every text item shown on ``stage`` (a StageView): plot text and the stage's own labels."""
    plots: list[tuple[pg.PlotWidget, str, object]] = []
    boxes = []
    for view in stage.hero_views():
        if hasattr(view, "plot"):
            plots.append((view.plot, view.key, view.theme))
        else:  # the highway: its plots and its road's words
            plots += [(w, f"highway {i}", view.theme) for i, w in enumerate(view.findChildren(pg.PlotWidget))
                      if w.isVisible()]
            if view.road.isVisible():
                boxes += _road_boxes(view.road, stage)
    for plot, key, t in plots:
        boxes += _plot_boxes(plot, key, t, stage)
    boxes += _widget_boxes(stage, stage, {p for p, _k, _t in plots})
    return boxes

