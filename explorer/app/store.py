"""AppStore: the one place that holds the application's state (``explorer.core.state.appstate``).

Panels call :meth:`update` (live scenario fields), :meth:`set_view` (view settings) or the
pin commands; views connect to :attr:`changed`, which says what changed — live scenario
fields, the pinned scenario, view fields — once per event-loop turn however many edits
arrived (a slider drag). Rejected edits emit :attr:`rejected` with a one-line reason.

Undo: edits of the same fields in a row form one *gesture* — a slider drag, a held key, a
spin box scrolled — shown live while it lasts and recorded as ONE entry on a QUndoStack when
it ends (slider released, key released, :data:`IDLE_COMMIT_MS` without an edit, or another
kind of edit). Entries read like "Batch 1 → 8" (``explorer.core.state.undo_text``). View settings
(tab, log axes, theme) are not undo steps and do not make the session unsaved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core.state import undo_text, view_rules
from ..core.state.appstate import AppState, ViewState
from ..core.features.view_results import ViewResults as Results
from ..core.state.scenario import Scenario, ScenarioError

FIELDS = tuple(f.name for f in fields(Scenario))
VIEW_FIELDS = tuple(f.name for f in fields(ViewState))
HISTORY_LIMIT = 200
THEME_FIELDS = frozenset({"theme", "font_scale"})
IDLE_COMMIT_MS = 600  # a gesture without an explicit end (wheel, typed values) ends after this pause


@dataclass(frozen=True)
class Change:
    """What changed since the last ``changed`` signal."""

    scenario: frozenset = frozenset()  # live Scenario fields
    pinned: bool = False  # the pinned scenario was set, cleared, swapped or edited
    view: frozenset = frozenset()  # ViewState fields

    def __bool__(self) -> bool:
        return bool(self.scenario or self.pinned or self.view)

    def __or__(self, other: "Change") -> "Change":
        return Change(self.scenario | other.scenario, self.pinned or other.pinned, self.view | other.view)


def diff(a: AppState, b: AppState) -> Change:
    sa, sb = a.scenario, b.scenario
    scen = frozenset() if sa is sb else frozenset(f for f in FIELDS if getattr(sa, f) != getattr(sb, f))
    view = frozenset() if a.view is b.view else frozenset(f for f in VIEW_FIELDS
                                                          if getattr(a.view, f) != getattr(b.view, f))
    return Change(scen, a.pinned != b.pinned, view)


class _Entry(QUndoCommand):
    """One undo step: the state before and after a gesture."""

    def __init__(self, store: "AppStore", before: AppState, after: AppState):
        super().__init__(undo_text.describe(before, after))
        self.store, self.before, self.after = store, before, after

    def undo(self) -> None:
        self.store.restore(self.before)

    def redo(self) -> None:  # also called by push(): the state is already `after` then
        self.store.restore(self.after)


class AppStore(QObject):
    changed = Signal(object)  # a Change
    rejected = Signal(str)  # why an edit was refused (one line)
    history_changed = Signal()  # undo/redo availability, texts or the unsaved flag changed
    committed = Signal()  # an undoable change became final (autosave listens)

    def __init__(self, state: AppState | Scenario, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state if isinstance(state, AppState) else AppState(state)
        self._results: Results | None = None
        self._pinned_results: Results | None = None
        self._pending = Change()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(HISTORY_LIMIT)
        self.undo_stack.indexChanged.connect(self._stack_moved)
        self._open: tuple[AppState, object] | None = None  # (before, merge key) of the gesture under way
        self._holds = 0  # explicit gestures open (slider held, key held)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_COMMIT_MS)
        self._idle.timeout.connect(self._idle_commit)
        self.last_commit = time.monotonic()

    # -- reading -------------------------------------------------------------------------------
    @property
    def state(self) -> AppState:
        return self._state

    @property
    def scenario(self) -> Scenario:
        return self._state.scenario

    @property
    def pinned(self) -> Scenario | None:
        return self._state.pinned

    @property
    def view(self) -> ViewState:
        return self._state.view

    @property
    def theme(self):
        """The one Theme in use: the one this state's view names (its theme and font scale).
        The store applies it (:meth:`apply_theme`) before any view hears of a theme change."""
        from .theme import theme_for

        v = self._state.view
        return theme_for(v.theme, v.font_scale)

    def apply_theme(self) -> None:
        """Make :attr:`theme` current and re-apply it to the application and every widget."""
        from PySide6.QtWidgets import QApplication

        from . import theme

        theme.use(self.theme, QApplication.instance())

    @property
    def results(self) -> Results:
        """The live scenario's figures, computed once per change and shared by every view."""
        if self._results is None or self._results.scenario is not self._state.scenario:
            self._results = Results(self._state.scenario)
        return self._results

    @property
    def pinned_results(self) -> Results | None:
        p = self._state.pinned
        if p is None:
            return None
        if self._pinned_results is None or self._pinned_results.scenario is not p:
            self._pinned_results = Results(p)
        return self._pinned_results

    # -- editing ---------------------------------------------------------------------------------
    def update(self, **changes) -> bool:
        """Change live scenario fields; False (and ``rejected``) when the result is not valid.
        Repeated edits of the same fields merge into one undo entry (one gesture)."""
        s = self._state.scenario
        diff_ = {k: v for k, v in changes.items() if getattr(s, k) != v}
        if not diff_:
            return True
        try:
            new = s.with_(**diff_)
        except (ScenarioError, ValueError, TypeError) as exc:
            self.rejected.emit(str(exc))
            return False
        self._edit(self._state.with_(scenario=new), key=frozenset(diff_))
        return True

    def set_scenario(self, scenario: Scenario) -> None:
        """Replace the live scenario (file open, preset): one undo entry."""
        self._edit(self._state.with_(scenario=scenario), key=None)

    def set_state(self, state: AppState) -> None:
        """Replace the whole state (file open, restore): one undo entry for its scenarios."""
        self._edit(state, key=None)

    def set_view(self, **changes) -> bool:
        """Change view settings (tab, log axes, highway, theme…): shown at once, not undoable.
        ``highway`` may be a dict of the fields that change. False (and ``rejected``, like
        :meth:`update`) when a change breaks a view rule (``core.state.view_rules``)."""
        try:
            view = view_rules.view_with(self._state.view, changes)
        except ScenarioError as exc:  # StateError: one line naming the field
            self.rejected.emit(str(exc))
            return False
        if view == self._state.view:
            return True
        self._set(self._state.with_(view=view))
        self.committed.emit()
        return True

    # -- A/B compare -------------------------------------------------------------------------
    def pin(self) -> None:
        """Pin the live scenario as A; editing goes on in B (a copy of it)."""
        self._edit(self._state.with_(pinned=self._state.scenario), key=None)

    def clear_pin(self) -> None:
        if self._state.pinned is not None:
            self._edit(self._state.with_(pinned=None), key=None)

    def swap(self) -> None:
        st = self._state
        if st.pinned is not None and st.pinned != st.scenario:
            self._edit(st.with_(scenario=st.pinned, pinned=st.scenario), key=None)

    # -- gestures ------------------------------------------------------------------------------
    def begin_gesture(self) -> None:
        """A drag or held key starts: every edit until :meth:`end_gesture` is one undo entry."""
        self._holds += 1

    def end_gesture(self) -> None:
        self._holds = max(0, self._holds - 1)
        if not self._holds:
            self.commit()

    def commit(self) -> None:
        """End the gesture under way: push its one undo entry now."""
        self._idle.stop()
        if self._open is None:
            return
        before, _key = self._open
        self._open = None
        if before != self._state:
            self.undo_stack.push(_Entry(self, before, self._state))
            self.last_commit = time.monotonic()
            self.committed.emit()
        self.history_changed.emit()

    def _idle_commit(self) -> None:
        if not self._holds:
            self.commit()

    def _edit(self, new: AppState, key) -> None:
        if self._open is not None and (key is None or self._open[1] != key) and not self._holds:
            self.commit()
        if self._open is None:
            self._open = (self._state, key)
        self._set(new)
        if key is None and not self._holds:
            self.commit()
        else:
            self._idle.start()
            self.history_changed.emit()

    # -- undo / redo -----------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return self._open is not None or self.undo_stack.canUndo()

    def can_redo(self) -> bool:
        return self._open is None and self.undo_stack.canRedo()

    def undo_text(self) -> str:
        if self._open is not None:
            return undo_text.describe(self._open[0], self._state)
        return self.undo_stack.undoText()

    def redo_text(self) -> str:
        return self.undo_stack.redoText() if self._open is None else ""

    def undo(self) -> None:
        self._holds = 0
        self.commit()
        self.undo_stack.undo()

    def redo(self) -> None:
        self._holds = 0
        self.commit()
        self.undo_stack.redo()

    def restore(self, state: AppState) -> None:
        """Undo/redo: set ``state`` (the view stays as the user has it); no undo entry of its own."""
        self._set(state.with_(view=self._state.view))

    def _stack_moved(self, _index: int) -> None:
        self.committed.emit()
        self.history_changed.emit()

    # -- saved / unsaved ----------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._open is not None or not self.undo_stack.isClean()

    def mark_clean(self) -> None:
        self.commit()
        self.undo_stack.setClean()
        self.history_changed.emit()

    # -- change notification ------------------------------------------------------------------
    def _set(self, new: AppState) -> None:
        change = diff(self._state, new)
        if not change:
            return
        self._state = new
        self._pending = self._pending | change
        self._timer.start()

    def flush(self) -> None:
        """Emit the coalesced change now (tests and benchmarks call it to skip the event loop)."""
        self._timer.stop()
        if self._pending:
            what, self._pending = self._pending, Change()
            if what.view & THEME_FIELDS:
                self.apply_theme()  # current before any view restyles
            self.changed.emit(what)


ScenarioStore = AppStore  # the name the first version of the app used
