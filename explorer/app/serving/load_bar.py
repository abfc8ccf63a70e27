"""The load slider: concurrency (clients, whole numbers) or arrival rate (requests/s), on a log
scale over the load points the core's curve spans. A drag previews live and leaves one undo entry
when released; the value is written to the scenario through the store like any panel's."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QAbstractSlider, QHBoxLayout, QLabel, QSlider, QWidget

from ...core.state.edit_rules import load_step
from ...core.text.serving_words import load_words

A = QAbstractSlider.SliderAction
STEPS_OF = {A.SliderSingleStepAdd: (True, 1), A.SliderSingleStepSub: (False, 1),  # arrow keys
            A.SliderPageStepAdd: (True, 5), A.SliderPageStepSub: (False, 5)}  # PageUp/Down, a click beside the handle

STEPS = 1000


class LoadSlider(QWidget):
    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.lo, self.hi, self.kind = 1.0, 100.0, "concurrency"
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setPageStep(STEPS // 20)
        self.slider.setToolTip("Load: concurrent clients (closed loop) or arrivals per second (open loop), "
                               "as the Workload panel's load kind says. Drag to move along the curves.")
        self.name = QLabel("Load")
        self.value = QLabel()
        self.value.setMinimumWidth(150)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.name)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.value)
        self.slider.valueChanged.connect(self._moved)
        self.slider.actionTriggered.connect(self._action)
        self.slider.sliderPressed.connect(store.begin_gesture)
        self.slider.sliderReleased.connect(store.end_gesture)

    def set_span(self, kind: str, lo: float, hi: float, load: float) -> None:
        """The range (from the core's load points) and the scenario's load, without echoing."""
        self.kind, self.lo, self.hi = kind, max(lo, 1e-9), max(hi, lo * 1.0001)
        with QSignalBlocker(self.slider):
            self.slider.setValue(self.position(load))
        self.name.setText("Concurrency" if kind == "concurrency" else "Arrival rate")
        self.value.setText(self.text(load))

    def text(self, load: float) -> str:
        return load_words(self.kind, load)

    def position(self, load: float) -> int:
        f = math.log(max(load, self.lo) / self.lo) / math.log(self.hi / self.lo)
        return int(round(min(max(f, 0.0), 1.0) * STEPS))

    def load_at(self, pos: int) -> float:
        v = self.lo * (self.hi / self.lo) ** (pos / STEPS)
        return float(max(1, round(v))) if self.kind == "concurrency" else float(f"{v:.3g}")

    def _action(self, action: int) -> None:
        """An arrow key or a wheel notch moves the load one step of core's rule (one client, or
        10 %), PageUp/PageDown five, not a thousandth of the log scale (which at a few clients
        changed nothing): Qt's own step is taken back and the exact load goes to the store, whose
        redraw puts the slider there (also from a load past the slider's span)."""
        act = A(action)
        if act == A.SliderMove and not self.slider.isSliderDown():  # the wheel (a drag holds the handle down)
            up, steps = self.slider.sliderPosition() > self.slider.value(), 1
        elif act in STEPS_OF:
            up, steps = STEPS_OF[act]
        else:
            return
        self.slider.setSliderPosition(self.slider.value())  # no valueChanged: the position stays
        load = self.store.scenario.load
        for _ in range(steps):
            load = load_step(self.kind, load, up)
        self.value.setText(self.text(load))
        self.store.update(load=load)

    def _moved(self, pos: int) -> None:
        load = self.load_at(pos)
        self.value.setText(self.text(load))
        self.store.update(load=load)
