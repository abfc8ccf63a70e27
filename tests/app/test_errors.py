"""Unexpected errors: logged to the rotating log file, shown in one non-modal box with a count,
and the app keeps responding. Help › About names the log file."""

import logging
import sys

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from explorer.app import errors


@pytest.fixture
def log_to(tmp_path, monkeypatch):
    monkeypatch.setenv("INFERENCE_EXPLORER_LOG_DIR", str(tmp_path / "logs"))
    log = logging.getLogger("explorer")
    before = list(log.handlers)
    path = errors.setup_logging()
    yield path
    for h in log.handlers[:]:
        if h not in before:
            h.close()
            log.removeHandler(h)


class Emitter(QObject):
    fire = Signal()


@pytest.mark.qt_no_exception_capture
def test_slot_and_timer_exceptions_are_logged_and_shown_once(qtbot, make_window, log_to, monkeypatch):
    assert log_to is not None and log_to.parent.name == "logs"
    w = make_window()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    reporter = errors.ErrorReporter(w).install()

    def boom():
        raise RuntimeError("test-only failure in a slot")

    emitter = Emitter()
    emitter.fire.connect(boom)
    for _ in range(4):
        emitter.fire.emit()
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: reporter.counts.get("RuntimeError: test-only failure in a slot") == 5)
    boxes = [b for b in QApplication.topLevelWidgets() if b.objectName() == "ErrorBox" and b.isVisible()]
    assert len(boxes) == 1 and not boxes[0].isModal()
    box = boxes[0]
    assert "test-only failure" in box.message.text() and "5 times" in box.count.text()
    assert "unchanged" not in box.message.text() and str(log_to) in box.message.text()
    box.copy_button.click()
    assert "RuntimeError: test-only failure in a slot" in QApplication.clipboard().text()
    for h in logging.getLogger("explorer").handlers:
        h.flush()
    logged = log_to.read_text()
    assert logged.count("test-only failure in a slot") >= 5 and "Traceback" in logged
    # a different error updates the same box and counts the first one as "other"
    emitter.fire.disconnect(boom)
    emitter.fire.connect(lambda: 1 / 0)
    emitter.fire.emit()
    assert "division by zero" in box.message.text() and "5 other errors" in box.count.text()
    assert len([b for b in QApplication.topLevelWidgets() if b.objectName() == "ErrorBox"]) == 1
    # the app still responds
    w.panels["workload"].batch.spin.setValue(12)
    w.store.flush()
    assert w.store.scenario.batch == 12


def test_about_names_the_log_file(qtbot, make_window, log_to, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, _t, text: shown.append(text)))
    make_window().about()
    assert str(log_to) in shown[0]


def test_qt_warnings_reach_the_log(qtbot, log_to):
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from explorer.app.application import _qt_message

    previous = qInstallMessageHandler(_qt_message)
    try:
        qWarning("a test-only Qt warning")
    finally:
        qInstallMessageHandler(previous)
    for h in logging.getLogger("explorer").handlers:
        h.flush()
    assert "Qt: a test-only Qt warning" in log_to.read_text()


def test_unwritable_log_folder_still_starts(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("INFERENCE_EXPLORER_LOG_DIR", str(blocker / "logs"))  # a folder under a file
    log = logging.getLogger("explorer")
    before = list(log.handlers)
    try:
        assert errors.setup_logging() is None and errors.log_file() is None
    finally:
        for h in log.handlers[:]:
            if h not in before:
                log.removeHandler(h)
