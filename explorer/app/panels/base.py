"""What every panel shares: the store, a field → control map, and refresh on change."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QWidget

from ..store import AppStore
from ..view_base import StoreView


class HeldKeys(QObject):
    """A held key (auto-repeat on a spin box or slider) is one gesture: one undo entry.
    Installed on the panels' number boxes and sliders only (an application-wide filter would
    run Python for every event the app handles)."""

    def __init__(self, store: AppStore, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.holding = False

    def watch(self, panel: QWidget) -> None:
        for w in panel.findChildren(QAbstractSpinBox) + panel.findChildren(QAbstractSlider):
            w.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and event.isAutoRepeat() and not self.holding:
            self.holding = True
            self.store.begin_gesture()
        elif kind == QEvent.Type.KeyRelease and not event.isAutoRepeat() and self.holding:
            self.holding = False
            self.store.end_gesture()
        return False


class Panel(StoreView):
    #: Scenario fields this panel edits; a test checks every field has a control somewhere.
    fields: tuple[str, ...] = ()
    #: Further fields whose change alters what the panel shows (derived text).
    shows: tuple[str, ...] = ()
    title = ""
    uses_pinned = False
    view_fields = frozenset()
    lazy_when_hidden = False  # cheap, and a panel's controls must always show the scenario
    frame_capped = False

    def __init__(self, store: AppStore, parent: QWidget | None = None):
        self.depends = frozenset(self.fields) | frozenset(self.shows)
        super().__init__(store, parent)
        self.controls: dict[str, QWidget] = {}
        self.setObjectName(type(self).__name__)

    def _store_rejected(self, _why: str) -> None:
        # A refused edit (say, 3 devices for 32 heads) puts the controls back to the scenario.
        self.refresh(frozenset(self.fields))

    def redraw(self) -> None:
        self.refresh()

    def refresh(self, what: frozenset = frozenset()) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
