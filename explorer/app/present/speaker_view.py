"""The speaker view: on a second screen while presenting — the current step and the next, the
step's notes from the tour file, the time since presenter mode began and the clock. With one
screen there is no speaker view; N shows the notes over the stage instead (stage_keys.py)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .stage_text import px_font


def elapsed_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


class SpeakerView(QWidget):
    def __init__(self, presenter):
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("Speaker view")
        self.presenter = presenter
        self.started = time.monotonic()
        self.timer_label = QLabel()
        self.now = QLabel()
        self.current = QLabel()
        self.next_ = QLabel()
        self.notes = QLabel()
        for lab, px, bold in ((self.timer_label, 40, True), (self.now, 24, False), (self.current, 26, True),
                              (self.next_, 22, False), (self.notes, 24, False)):
            lab.setFont(px_font(self.font(), px, bold))
            lab.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.timer_label)
        lay.addWidget(self.now)
        lay.addWidget(self.current)
        lay.addWidget(self.notes, 1)
        lay.addWidget(self.next_)
        self.clock = QTimer(self)
        self.clock.timeout.connect(self.tick)
        self.clock.start(1000)
        self.tick()

    def tick(self) -> None:
        self.timer_label.setText(elapsed_text(time.monotonic() - self.started))
        self.now.setText(time.strftime("%H:%M"))

    def show_step(self, index: int, tour) -> None:
        step = tour.steps[index]
        self.current.setText(f"{index + 1} / {len(tour)}  {step.title}")
        self.notes.setText(step.notes or step.caption)
        nxt = tour.steps[index + 1].title if index + 1 < len(tour) else "(end of the tour)"
        self.next_.setText(f"Next: {nxt}")


def second_screen(window):
    """The screen the stage is not on, if there is one."""
    screens = QGuiApplication.screens()
    here = window.screen()
    others = [s for s in screens if s is not here]
    return others[0] if others else None
