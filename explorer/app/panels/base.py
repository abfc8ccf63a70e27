"""What every panel shares: the store, a field → control map, and refresh on change."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..store import ScenarioStore


class Panel(QWidget):
    #: Scenario fields this panel edits; a test checks every field has a control somewhere.
    fields: tuple[str, ...] = ()
    #: Further fields whose change alters what the panel shows (derived text).
    shows: tuple[str, ...] = ()
    title = ""

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.controls: dict[str, QWidget] = {}
        self.setObjectName(type(self).__name__)
        store.changed.connect(self._on_changed)
        # A refused edit (say, 3 devices for 32 heads) puts the controls back to the scenario.
        store.rejected.connect(lambda _why: self.refresh(frozenset(self.fields)))

    def _on_changed(self, what: frozenset) -> None:
        if what & (set(self.fields) | set(self.shows)):
            self.refresh(what)

    def refresh(self, what: frozenset = frozenset()) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
