"""'This machine' in the hardware panel: measure the computer the app runs on (off the GUI thread,
with progress and cancel), save it with its date, and use it as the device."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout

from ...core.specs import this_machine
from ...core.io.atomic import WriteError
from ..widgets import note_label


class MeasureWorker(QObject):
    progress = Signal(float, str)
    done = Signal(object)  # a Measurement
    failed = Signal(str)

    def __init__(self, kwargs: dict):
        super().__init__()
        self._kwargs = kwargs
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            m = this_machine.measure(progress=self.progress.emit, cancelled=self._stop.is_set, **self._kwargs)
        except this_machine.Cancelled:
            self.failed.emit("Measurement cancelled; nothing changed.")
        except (MemoryError, OSError) as exc:
            self.failed.emit(f"Measurement failed: {exc}")
        else:
            self.done.emit(m)


class MeasureBox(QGroupBox):
    """``measure_kwargs`` lets tests run a shorter benchmark."""

    def __init__(self, store, parent=None):
        super().__init__("This machine", parent)
        self.store = store
        self.measure_kwargs: dict = {}
        self._thread: QThread | None = None
        self._worker: MeasureWorker | None = None
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.measure_button = QPushButton("Measure this machine")
        self.measure_button.setToolTip("A few seconds of numpy micro-benchmarks: memory bandwidth (copies, triad) and "
                                       "matrix-multiply FLOP/s (FP32, FP64); saved with today's date")
        self.measure_button.clicked.connect(self.start)
        self.use_button = QPushButton("Use it")
        self.use_button.setToolTip("Make the last measurement of this machine the device")
        self.use_button.clicked.connect(self.use_saved)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        for b in (self.measure_button, self.use_button, self.cancel_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        lay.addWidget(self.bar)
        self.note = note_label()
        lay.addWidget(self.note)
        self._idle()

    def _idle(self, text: str | None = None) -> None:
        saved = this_machine.load()
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.measure_button.setEnabled(True)
        self.measure_button.setText("Measure again" if saved else "Measure this machine")
        self.use_button.setVisible(saved is not None)
        self.note.setText(text or (f"Saved: {saved.to_hardware().name}: {saved.bandwidth_gbs:,.1f} GB/s, "
                                   f"{saved.fp32_tflops * 1e3:,.0f} GFLOP/s FP32" if saved else
                                   "Not measured yet."))

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self.running:
            return
        self.measure_button.setEnabled(False)
        self.use_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.bar.setVisible(True)
        self.bar.setValue(0)
        self._thread = QThread(self)
        self._worker = MeasureWorker(self.measure_kwargs)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._progress)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._thread.start()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def _progress(self, fraction: float, what: str) -> None:
        self.bar.setValue(int(round(fraction * 100)))
        self.note.setText(f"Measuring: {what}…")

    def _finish_thread(self) -> None:
        thread, self._thread, self._worker = self._thread, None, None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()

    def _done(self, m) -> None:
        self._finish_thread()
        try:
            this_machine.save(m)
        except WriteError as exc:
            self._idle(f"Measured, but not saved: {exc}")
        else:
            self._idle()
        self.store.update(hardware=m.to_hardware())

    def _failed(self, why: str) -> None:
        self._finish_thread()
        self._idle(why)

    def use_saved(self) -> None:
        m = this_machine.load()
        if m is not None:
            self.store.update(hardware=m.to_hardware())

    def shutdown(self) -> None:
        """Stop a running measurement (the window is closing)."""
        if self._worker is not None:
            self._worker.cancel()
        self._finish_thread()
