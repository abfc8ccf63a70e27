"""The stage: what presenter mode (F5) and ``--export-tour`` show instead of the desk dashboard.

Per step: the title and n/N, one hero view filling the stage (a plot, the highway; two side by
side when the step asks), at most three big readouts and the caption. No docks, tabs, check
boxes or spin boxes. Sizes are pixels scaled by the stage's height (at 768 px: text 20 px,
caption 28 px, readout values 40 px) times the font zoom, never below those minimums. Every
child ignores its size hint's width, so the stage never makes the window wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QSizePolicy, QVBoxLayout, QWidget)

from ...core.features.stage_figures import readout_text, step_figures
from ...core.features.tour import highway_args
from ...core.state.scenario import ScenarioError
from .. import theme as themes
from ..plots.compare_plot import ComparePlot
from ..plots.compute_plot import ComputePlot
from ..plots.memory_plot import MemoryPlot
from ..plots.roofline_plot import RooflinePlot
from .stage_text import px_font, stage_class

TEXT_PX, CAPTION_PX, VALUE_PX = 20, 28, 40  # at a 768 px high stage
BASE_HEIGHT = 768
PLOT_CLASSES = {"compute": ComputePlot, "memory": MemoryPlot, "roofline": RooflinePlot, "compare": ComparePlot}


def _label(wrap: bool = False) -> QLabel:
    lab = QLabel()
    lab.setWordWrap(wrap)
    lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred if wrap else QSizePolicy.Policy.Fixed)
    lab.setMinimumWidth(10)
    return lab


CONTROLS = (QAbstractButton, QAbstractSpinBox, QAbstractSlider, QComboBox, QLineEdit)


def hide_controls(view: QWidget) -> None:
    """A view on stage shows, it is not edited: its controls (and the labels naming them) go."""
    for kind in CONTROLS:
        for c in view.findChildren(kind):
            c.hide()
    for lab in view.findChildren(QLabel):
        if lab.buddy() is not None and isinstance(lab.buddy(), CONTROLS):
            lab.hide()
    for box in view.findChildren(QGroupBox):  # a box of controls only: empty on stage
        if not any(isinstance(c, QLabel) and not c.isHidden() for c in box.findChildren(QWidget)):
            box.hide()


class Readout(QWidget):
    def __init__(self):
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.label = _label()
        self.value = _label()
        lay.addWidget(self.label)
        lay.addWidget(self.value)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)


class StageView(QWidget):
    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Stage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.window_ = window
        self.store = window.store
        self.step = None
        self._views: dict[str, QWidget] = {}
        self._shown: list[QWidget] = []
        self.title = _label()
        self.counter = _label()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.counter.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.counter)
        self.hero = QHBoxLayout()
        self.hero.setSpacing(12)
        self.readout_row = QHBoxLayout()
        self.readout_row.setSpacing(24)
        self.readouts = [Readout() for _ in range(3)]
        for r in self.readouts:
            self.readout_row.addWidget(r, 1)
        self.caption = _label(wrap=True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.notes = _label(wrap=True)  # N: the speaker's notes over the stage
        self.notes.setObjectName("StageNotes")
        self.notes.hide()
        lay = QVBoxLayout(self)
        self.lay = lay
        lay.addLayout(head)
        lay.addLayout(self.hero, 1)
        lay.addLayout(self.readout_row)
        lay.addWidget(self.caption)
        lay.addWidget(self.notes)
        self.store.changed.connect(self._on_changed)
        self.restyle()

    # -- sizes ------------------------------------------------------------------------------------
    def scale(self) -> float:
        zoom = max(1.0, self.store.view.font_scale)
        return max(1.0, self.height() / BASE_HEIGHT) * zoom if self.height() > 0 else zoom

    def px(self, base: int) -> int:
        return int(round(base * self.scale()))

    def restyle(self) -> None:
        t = themes.current()
        px, cap, val = self.px(TEXT_PX), self.px(CAPTION_PX), self.px(VALUE_PX)
        self.setStyleSheet(f"#Stage {{ background: {t.background}; }} QLabel {{ color: {t.text}; }}"
                           f" #StageNotes {{ background: {t.background}; border: 2px solid {t.text}; }}")
        m = max(8, px // 2)
        self.lay.setContentsMargins(m, m // 2, m, m // 2)
        self.lay.setSpacing(max(4, px // 3))
        self.title.setFont(px_font(self.font(), cap, bold=True))
        self.counter.setFont(px_font(self.font(), px))
        self.caption.setFont(px_font(self.font(), cap))
        self.notes.setFont(px_font(self.font(), px))
        for r in self.readouts:
            r.label.setFont(px_font(self.font(), px))
            r.value.setFont(px_font(self.font(), val, bold=True))
        for view in self._views.values():
            if hasattr(view, "stage_px") and view.stage_px != px:
                view.stage_px = px
                view.stage_fix()
            for lab in ([] if hasattr(view, "plot") else view.findChildren(QLabel)):  # the highway's own labels
                if lab.font().pixelSize() != px:
                    lab.setFont(px_font(lab.font(), px, lab.font().bold()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self.restyle()

    # -- views -------------------------------------------------------------------------------------
    def view(self, key: str) -> QWidget:
        """The stage's own copy of a view (built on first use; it follows the same store)."""
        if key not in self._views:
            if key == "highway":
                from .stage_highway import StageHighway
                v = StageHighway(self.store)
                v.panel.hide()  # the road's controls are the desk's: on stage the step sets them
                v.stage_px = self.px(TEXT_PX)
            else:
                v = stage_class(PLOT_CLASSES[key])(self.store)
                v.plot.setMouseEnabled(x=False, y=False)
                v.stage_px = self.px(TEXT_PX)
            v.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self._views[key] = v
            hide_controls(v)
            self.restyle()
        return self._views[key]

    def hero_views(self) -> list[QWidget]:
        return list(self._shown)

    def show_step(self, index: int, count: int, step) -> None:
        self.step = step
        self.title.setText(step.title)
        self.counter.setText(f"{index + 1} / {count}")
        self.caption.setText(step.caption)
        self.notes.setText(step.notes or "(no notes for this step)")
        wanted = [self.view(k) for k in step.stage_views()]
        for v in self._shown:
            self.hero.removeWidget(v)
            if v not in wanted:
                v.hide()
        for v in wanted:  # in the step's order: the first on the left
            self.hero.addWidget(v, 1)
            if hasattr(v, "stage_curves"):
                v.stage_curves = tuple(step.curves)
            v.show()
        self._shown = wanted
        for v in wanted:
            if hasattr(v, "stage_fix"):
                v.stage_fix()
            if hasattr(v, "snapshot"):  # the road starts in the serving model's steady state
                v.snapshot()
        self._fill_readouts()

    def _on_changed(self, change) -> None:
        if change.view & {"theme", "font_scale"}:
            self.restyle()
        if self.step is not None and self.isVisible() and (change.scenario or change.pinned):
            self._fill_readouts()

    def live_figures(self) -> dict[str, float]:
        """The step's figures for what the store shows now (Play moves them)."""
        step = self.step
        play = None
        s = self.store.scenario
        if step.play is not None:
            play = (step.play.field, step.play.start, float(getattr(s, step.play.field)))
        road = highway_args(s, self.store.view.highway) if step.tab == "highway" else None
        try:
            return step_figures(s, self.store.pinned, play, road)
        except (ScenarioError, ValueError):
            return {}

    def _fill_readouts(self) -> None:
        names = self.step.readouts if self.step is not None else ()
        figures = self.live_figures() if names else {}
        for i, r in enumerate(self.readouts):
            if i < len(names):
                label, value = readout_text(names[i], figures)
                r.label.setText(label)
                r.value.setText(value)
                r.show()
            else:
                r.hide()

    def toggle_notes(self) -> None:
        self.notes.setVisible(not self.notes.isVisible())
