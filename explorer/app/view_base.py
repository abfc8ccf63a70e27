"""StoreView: what every view of the store shares.

* connects a bound method (never a lambda) to the store's ``changed`` and disconnects when
  the widget is closed or destroyed, so a view deleted while the store lives is simply gone;
* redraws only for changes it depends on (:attr:`depends`: live scenario fields, None = all;
  :attr:`uses_pinned`; :attr:`view_fields`);
* while hidden (a background tab, a collapsed dock) it only marks itself dirty and redraws
  when shown — a hidden tab costs nothing;
* redraws at most once per display frame (:data:`FRAME_S`); a change arriving sooner is drawn
  at the next frame. :func:`sync_all` draws every pending view now (tests, benchmarks, export).
"""

from __future__ import annotations

import time
import weakref

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

FRAME_S = 1 / 60
_VIEWS: "weakref.WeakSet[StoreView]" = weakref.WeakSet()


class StoreView(QWidget):
    depends: frozenset | None = None  # live Scenario fields that matter (None: all)
    uses_pinned = True  # redraw when the pinned scenario changes (A/B overlays)
    view_fields: frozenset = frozenset({"theme", "font_scale"})  # ViewState fields that matter
    lazy_when_hidden = True  # False: refresh even while hidden (panels: cheap, and read back by tests)
    frame_capped = True  # False: redraw on every change (controls that must echo the state at once)

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self._sv_dirty = False
        self._sv_last = 0.0
        self._sv_timer = QTimer(self)
        self._sv_timer.setSingleShot(True)
        self._sv_timer.timeout.connect(self.sync)
        self._sv_bound = False
        self.bind()
        _VIEWS.add(self)

    # -- connection ---------------------------------------------------------------------------
    def bind(self) -> None:
        if not self._sv_bound:
            self.store.changed.connect(self._store_changed)
            self.store.rejected.connect(self._store_rejected)
            self._sv_bound = True

    def unbind(self) -> None:
        if self._sv_bound:
            self._sv_bound = False
            self._sv_timer.stop()
            try:
                self.store.changed.disconnect(self._store_changed)
                self.store.rejected.disconnect(self._store_rejected)
            except (RuntimeError, TypeError):  # the store went first
                pass

    def closeEvent(self, event) -> None:
        self.unbind()
        super().closeEvent(event)

    # -- change → redraw ----------------------------------------------------------------------
    def wants(self, change) -> bool:
        if change.view & self.view_fields:
            return True
        if self.uses_pinned and change.pinned:
            return True
        return bool(change.scenario) if self.depends is None else bool(change.scenario & self.depends)

    def _store_changed(self, change) -> None:
        if not self.wants(change):
            return
        if change.view & {"theme", "font_scale"}:
            self.restyle()
        self.note_change(change)
        self._sv_dirty = True
        if self.lazy_when_hidden and not self.isVisible():
            return  # redrawn when shown
        if not self.frame_capped:
            self.sync()
            return
        wait = FRAME_S - (time.perf_counter() - self._sv_last)
        if wait <= 0:
            self.sync()
        elif not self._sv_timer.isActive():
            self._sv_timer.start(int(wait * 1000) + 1)

    def note_change(self, change) -> None:
        """Called with every relevant change before the (possibly deferred) redraw."""

    @property
    def theme(self):
        """The theme the store owns (the one its view state names; see explorer.app.theme)."""
        return self.store.theme

    def restyle(self) -> None:
        """Re-read colours, line widths and font sizes from :attr:`theme` (a theme swap)."""

    def _store_rejected(self, _why: str) -> None:
        """A refused edit: views that echo their own input put it back (panels)."""

    def sync(self) -> None:
        """Redraw now if something changed since the last redraw."""
        self._sv_timer.stop()
        if self._sv_dirty and self._sv_bound:
            self._sv_dirty = False
            self._sv_last = time.perf_counter()
            self.redraw()

    @property
    def pending(self) -> bool:
        """A change this view has not drawn yet (hidden, or waiting for the next frame)."""
        return self._sv_dirty

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.sync()

    def redraw(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def sync_all() -> None:
    """Draw every view with a pending change now instead of at the next frame (tests,
    benchmarks, export); hidden lazy views stay pending until shown."""
    for view in list(_VIEWS):
        try:
            if view.pending and (view.isVisible() or not view.lazy_when_hidden):
                view.sync()
        except RuntimeError:  # its C++ side is gone
            pass
