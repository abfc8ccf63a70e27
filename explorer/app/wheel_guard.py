"""A passing mouse wheel never changes a control: combo boxes, spin boxes and sliders take the
wheel only when they have keyboard focus (clicked or tabbed to). Otherwise the wheel scrolls
whatever scrolls around them (a panel's scroll area), as if the control were not there —
scrolling down a panel must not turn Parallel from tensor to pipeline on the way."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


class WheelGuard(QObject):
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish:
            # Before any wheel reaches it: a real (spontaneous) wheel event gives focus to a WheelFocus
            # widget *before* event filters see it (QApplication::notify), and the control then takes
            # that same wheel and the next ones — Qt's default for spin boxes, combos and sliders.
            if isinstance(obj, GUARDED) and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(obj, GUARDED) or isinstance(obj, QScrollBar):
            return False
        if obj.hasFocus():
            return False
        if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:  # the wheel must not give it focus either
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        parent = obj.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent.verticalScrollBar(), event)
        event.ignore()
        return True


_guard: list[WheelGuard] = []


def install(app) -> None:
    """Once per application."""
    if not _guard:
        _guard.append(WheelGuard(app))
        app.installEventFilter(_guard[0])
