"""A preset picker that also shows the current custom (edited) spec as its first entry."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

CUSTOM = "custom"


class PresetCombo(QComboBox):
    def __init__(self, items: list[tuple[str, str]], tooltip: str, on_pick):
        """``on_pick(key)`` runs when the user picks a preset (not the custom entry)."""
        super().__init__()
        self._items = items
        self.setToolTip(tooltip)
        self.setMaxVisibleItems(20)
        self.show_current(items[0][0], "")
        self.currentIndexChanged.connect(lambda _i: self._picked(on_pick))

    def _picked(self, on_pick) -> None:
        key = self.currentData()
        if key and key != CUSTOM:
            on_pick(key)

    def show_current(self, key: str, custom_name: str) -> None:
        """Select ``key``; for a custom spec add a first entry carrying its name."""
        if self.currentData() == key and (key != CUSTOM or self.currentText() == custom_name):
            return
        with QSignalBlocker(self):
            self.clear()
            if key == CUSTOM:
                self.addItem(custom_name, CUSTOM)
            for k, name in self._items:
                self.addItem(name, k)
            self.setCurrentIndex(max(0, self.findData(key)))
