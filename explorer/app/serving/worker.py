"""Core calls off the GUI thread: the discrete-event simulation (``explorer.core.serving.simulate``,
partial results as signals queued to the GUI thread; Cancel sets a flag the core polls between
batches of completions) and the deployment search.

A worker has no parent widget: closing the view that started it never destroys a running thread.
Every running worker is kept in :data:`RUNNING` until it finishes; when the application quits,
:func:`stop_all` cancels the simulations and waits for them all."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread, Signal

from ...core import serving
from ...core.state.scenario import Scenario

RUNNING: set[QThread] = set()
_HOOKED: set[int] = set()  # id() of the applications whose aboutToQuit stops the workers


def track(worker: QThread) -> None:
    """Keep ``worker`` alive while it runs; it deletes itself when done."""
    app = QCoreApplication.instance()
    if app is not None and id(app) not in _HOOKED:
        app.aboutToQuit.connect(stop_all)
        _HOOKED.add(id(app))
    RUNNING.add(worker)
    worker.finished.connect(lambda: RUNNING.discard(worker))
    worker.finished.connect(worker.deleteLater)


def stop_all(timeout_ms: int = 30_000) -> None:
    for worker in list(RUNNING):
        if hasattr(worker, "cancel"):
            worker.cancel()
    for worker in list(RUNNING):
        worker.wait(timeout_ms)


class SimWorker(QThread):
    progressed = Signal(float, object)  # fraction done, partial SimResult
    done = Signal(object)  # the final SimResult (``cancelled`` True when stopped early)
    failed = Signal(str)  # one line: why the run stopped

    def __init__(self, scenario: Scenario, requests: int, seed: int = 0, parent=None):
        super().__init__(parent)
        self.scenario, self.requests, self.seed = scenario, int(requests), int(seed)
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            result = serving.simulate(self.scenario, self.requests, self.seed,
                                      progress=lambda f, part: self.progressed.emit(float(f), part),
                                      cancelled=self._stop.is_set)
        except Exception as exc:  # noqa: BLE001 - the GUI shows it and keeps running
            self.failed.emit(f"simulation: {exc}")
            return
        self.done.emit(result)


class CallWorker(QThread):
    """Runs one core call off the GUI thread (the deployment search) and hands back its result."""

    done = Signal(object, object)  # (key it was asked for, result)
    failed = Signal(str)

    def __init__(self, fn, key, parent=None):
        super().__init__(parent)
        self.fn, self.key = fn, key

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - the GUI shows it and keeps running
            self.failed.emit(str(exc))
            return
        self.done.emit(self.key, result)
