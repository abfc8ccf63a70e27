"""ScenarioStore: the one place that holds the current Scenario.

Panels call :meth:`update` (or :meth:`set_scenario`); plots and readouts connect to
:attr:`changed`. Edits arriving in a burst (a slider drag) are coalesced: the store emits
``changed`` once per event-loop turn, with the set of fields that changed since the last
emission. Rejected edits emit :attr:`rejected` with a one-line reason and leave the
scenario as it was. Every accepted scenario is pushed on an undo history.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.scenario import Scenario, ScenarioError

FIELDS = tuple(f.name for f in fields(Scenario))
HISTORY_LIMIT = 200


class ScenarioStore(QObject):
    changed = Signal(frozenset)  # names of the Scenario fields that changed
    rejected = Signal(str)  # why an edit was refused (one line)

    def __init__(self, scenario: Scenario, parent: QObject | None = None):
        super().__init__(parent)
        self._scenario = scenario
        self._pending: set[str] = set()
        self._undo: list[Scenario] = []
        self._redo: list[Scenario] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def update(self, **changes) -> bool:
        """Apply field changes; False (and ``rejected``) when the result is not a valid scenario."""
        diff = {k: v for k, v in changes.items() if getattr(self._scenario, k) != v}
        if not diff:
            return True
        try:
            new = self._scenario.with_(**diff)
        except (ScenarioError, ValueError, TypeError) as exc:
            self.rejected.emit(str(exc))
            return False
        self._push(new, set(diff))
        return True

    def set_scenario(self, scenario: Scenario) -> None:
        """Replace the whole scenario (file open, undo, preset)."""
        diff = {f for f in FIELDS if getattr(self._scenario, f) != getattr(scenario, f)}
        if diff:
            self._push(scenario, diff)

    def _push(self, new: Scenario, diff: set[str], record: bool = True) -> None:
        if record:
            self._undo.append(self._scenario)
            del self._undo[:-HISTORY_LIMIT]
            self._redo.clear()
        self._scenario = new
        self._pending |= diff
        self._timer.start()

    def flush(self) -> None:
        """Emit the coalesced change now (tests and benchmarks call it to skip the event loop)."""
        self._timer.stop()
        if self._pending:
            what, self._pending = frozenset(self._pending), set()
            self.changed.emit(what)

    # -- undo / redo ---------------------------------------------------------------
    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> None:
        if self._undo:
            self._redo.append(self._scenario)
            self._swap(self._undo.pop())

    def redo(self) -> None:
        if self._redo:
            self._undo.append(self._scenario)
            self._swap(self._redo.pop())

    def _swap(self, target: Scenario) -> None:
        diff = {f for f in FIELDS if getattr(self._scenario, f) != getattr(target, f)}
        self._push(target, diff, record=False)
