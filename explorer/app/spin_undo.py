"""Ctrl+Z / Ctrl+Shift+Z in a spin box undo and redo the *session's* edits, as everywhere else.

A spin box's text field keeps an undo history of its own keystrokes and claims the undo keys
(a ShortcutOverride it accepts), so after typing 8 and Enter in Batch, Ctrl+Z undid nothing: the
field had no keystroke left to undo, and the window's Undo never heard the key. The edit is already
in the session's history the moment the value changes (the store takes typed values live), so the
keys go to the window's Undo and Redo."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


class SpinUndo(QObject):
    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        box = obj if isinstance(obj, QAbstractSpinBox) else (
            obj.parentWidget() if isinstance(obj, QLineEdit) else None)
        if not isinstance(box, QAbstractSpinBox) or not any(event.matches(k) for k in KEYS):
            return False
        event.ignore()  # not the field's: the window's shortcut takes the key
        return True


_filter: list[SpinUndo] = []


def install(app) -> None:
    """Once per application."""
    if not _filter:
        _filter.append(SpinUndo(app))
        app.installEventFilter(_filter[0])
