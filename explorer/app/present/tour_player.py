"""Plays a tour through the store: every step is applied as one AppState (``core.tour.state_for``),
so each view follows by itself and undo/autosave see ordinary changes.

Moving between steps animates: when only numbers (prompt, generate, batch) change, they morph
over :data:`MORPH_MS` on a log scale, so every linked view moves together; the exact state of
the step is set at the end. A step that changes the model, hardware, formats or the tab jumps
(a morph through another model's numbers would show states no step meant). A step's ``play`` sweeps one field (e.g. context 1 → 128k) while
all views follow. An animation is one undo entry (a gesture). ``animate = False`` jumps.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEasingCurve, QObject, QVariantAnimation, Signal

from ...core.features.tour import Tour, state_for

MORPH_MS = 500
MORPH_FIELDS = ("prompt", "generate", "batch")


def _between(a: float, b: float, t: float) -> int:
    """Geometric interpolation for counts that span decades (linear through zero)."""
    if a > 0 and b > 0:
        return int(round(math.exp(math.log(a) + (math.log(b) - math.log(a)) * t)))
    return int(round(a + (b - a) * t))


class TourPlayer(QObject):
    stepChanged = Signal(int)  # the index now shown
    finished = Signal()  # an animation (morph or play) ended

    def __init__(self, store, tour: Tour, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.tour = tour
        self.index = -1
        self.animate = True
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.valueChanged.connect(self._frame)
        self._anim.finished.connect(self._done)
        self._morph: tuple[dict, dict] | None = None  # field: (from, to) of the morph under way
        self._target = None  # the exact state to set when the animation ends
        self.frames = 0  # frames drawn by the last animation (the benchmark reads it)

    def __len__(self) -> int:
        return len(self.tour)

    @property
    def step(self):
        return self.tour.steps[self.index] if 0 <= self.index < len(self.tour) else None

    def running(self) -> bool:
        return self._anim.state() == QVariantAnimation.State.Running

    # -- navigation ----------------------------------------------------------------------------
    def next(self) -> None:
        if self.index < len(self.tour) - 1:
            self.go(self.index + 1)

    def previous(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    def go(self, index: int) -> None:
        """Show step ``index`` (clamped): exact state at the end, animated on the way."""
        self.finish()
        index = max(0, min(int(index), len(self.tour) - 1))
        target = state_for(self.tour, index, self.store.view)
        start = self.store.state
        self.index = index
        changes = {f: (getattr(start.scenario, f), getattr(target.scenario, f)) for f in MORPH_FIELDS
                   if getattr(start.scenario, f) != getattr(target.scenario, f)}
        first = None
        same_otherwise = start.scenario.with_(**{f: b for f, (_a, b) in changes.items()}) == target.scenario \
            if changes else False
        same_tab = start.view.tab == target.view.tab  # a morph on a tab that is just appearing shows nothing
        if self.animate and changes and same_otherwise and same_tab:  # only numbers move: morph them
            try:  # the target with the old numbers: the morph moves only these
                first = target.with_(scenario=target.scenario.with_(**{f: a for f, (a, _b) in changes.items()}))
            except ValueError:
                first = None
        if first is None:
            self.store.set_state(target)
        else:
            self.store.begin_gesture()
            self.store.set_state(first)
            self._start(changes, target, MORPH_MS)
        self.stepChanged.emit(index)

    def resume(self, index: int) -> None:
        """Take the tour up at step ``index`` with the state as it is (a session saved mid-tour:
        its scenarios and view stay as saved, edits made at that step included)."""
        self.finish()
        self.index = max(0, min(int(index), len(self.tour) - 1))
        self.stepChanged.emit(self.index)

    def play(self) -> bool:
        """Sweep the step's ``play`` field from its start to its end; False when it has none."""
        step = self.step
        if step is None or step.play is None:
            return False
        self.finish()
        p = step.play
        target = self.store.state
        self.store.begin_gesture()
        self._start({p.field: (p.start, p.stop)}, target.with_(scenario=target.scenario.with_(**{p.field: int(p.stop)})),
                    int(p.seconds * 1000))
        return True

    # -- animation -------------------------------------------------------------------------------
    def _start(self, changes: dict, target, ms: int) -> None:
        self._morph, self._target, self.frames = changes, target, 0
        self._anim.setDuration(ms)
        self._anim.setEasingCurve(QEasingCurve.Type.InOutQuad if ms <= MORPH_MS else QEasingCurve.Type.Linear)
        self._anim.start()

    def _frame(self, t) -> None:
        if not self._morph:
            return
        values = {f: _between(a, b, float(t)) for f, (a, b) in self._morph.items()}
        self.frames += 1
        self.store.update(**values)

    def _done(self) -> None:
        target, self._morph, self._target = self._target, None, None
        if target is not None:
            # The view as it is now (a theme swap may have come during the animation), with the step's fields.
            self.store.set_state(target.with_(view=state_for(self.tour, self.index, self.store.view).view))
            self.store.end_gesture()
            self.finished.emit()

    def finish(self) -> None:
        """End an animation under way at once, at its exact end state."""
        if self.running():
            self._anim.stop()
            self._done()
