"""Fixtures for GUI tests: a main window built around a given scenario, with its own settings file."""

import pytest

from explorer.app.settings import Settings
from explorer.core.state.scenario import default_scenario


@pytest.fixture
def make_window(qtbot, tmp_path):
    from explorer.app.main_window import MainWindow
    from explorer.app.theme import apply_theme
    from PySide6.QtWidgets import QApplication

    apply_theme(QApplication.instance())

    def build(scenario=None, size=(1280, 720)):
        w = MainWindow(scenario or default_scenario(), settings=Settings(tmp_path / "settings.ini"))
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        return w

    return build


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    """A modal box would hang an offscreen test: record the messages instead."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, **k: shown.append(a[2] if len(a) > 2 else a)))

    def question(*a, **k):  # closing with unsaved edits: tests answer Discard unless they ask otherwise
        shown.append(a[2] if len(a) > 2 else a)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    # message_box.warn builds its own plain-text box and runs it modally: record its text instead
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    return shown
