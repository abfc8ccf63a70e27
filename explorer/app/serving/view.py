"""The Serving tab: the load slider, the four plots against load and the discrete-event
simulation (off the GUI thread, with progress and Cancel; its percentiles land as dots at the load
they ran at). The steady-state curves redraw live while the slider moves."""

from __future__ import annotations

from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QProgressBar, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from ...core.physics.units import duration, rate
from ..view_base import StoreView
from ..widgets import TextPane
from .cards import BatchCard, KVCard, LatencyCard, ThroughputCard, knee_sentence
from .data import load_free, serving_data
from .load_bar import LoadSlider
from .worker import SimWorker, track

SIM_REQUESTS = 2000


class ServingView(StoreView):
    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setObjectName("ServingView")
        self.load = LoadSlider(store)
        self.requests = QSpinBox()
        self.requests.setRange(100, 100_000)
        self.requests.setSingleStep(1000)
        self.requests.setValue(SIM_REQUESTS)
        self.requests.setGroupSeparatorShown(True)
        self.requests.setSuffix(" req")
        self.requests.setMaximumWidth(110)
        self.requests.setToolTip("How many requests the simulation runs (the first and last tenth are left out "
                                 "of its percentiles: start-up and drain)")
        self.simulate = QPushButton("Sim&ulate")
        self.simulate.setToolTip("Run the discrete-event simulation at this load (every request through admission, "
                                 "chunked prefill and decode): its percentiles land as dots on the plots")
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(110)
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.progress.setFormat("not run")  # an empty bar reads as a text field
        self.progress.setToolTip("The simulation's progress (Simulate runs it at this load)")
        self.summary = TextPane(lines=3)  # the knee sentence wraps at 1024×768
        self.load.slider.setMinimumWidth(160)
        self.cards = {"latency": LatencyCard(store), "throughput": ThroughputCard(store), "batch": BatchCard(store),
                      "kv": KVCard(store)}
        top = QHBoxLayout()
        top.addWidget(self.load, 3)
        for w in (self.requests, self.simulate, self.cancel, self.progress):
            top.addWidget(w)
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 2, i % 2)
        for i in range(2):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addLayout(grid, 1)
        self.simulate.clicked.connect(self.run_simulation)
        self.cancel.clicked.connect(self.cancel_simulation)
        self.worker: SimWorker | None = None
        self.sim_key = None
        self.sim_points: list = []  # summaries of finished runs for this scenario (load aside)
        self.last_result = None
        self.redraw()

    # -- steady state -----------------------------------------------------------------------
    def redraw(self) -> None:
        d = serving_data(self.store.scenario)
        s = d.scenario
        self.load.set_span(s.load_kind, float(d.loads[0]), float(d.loads[-1]), s.load)
        if self.sim_key is not None and self.sim_key != load_free(s):
            self._show_sim([])  # another scenario: the dots of the old one go
        p = d.point
        ttft = duration(p.ttft_p99) if p.ttft_p99 != float("inf") else "unbounded (the queue grows)"
        self.summary.setText(
            f"<b>{self.load.text(s.load)}</b>: TTFT p99 <b>{ttft}</b> · TPOT p{s.slo_percentile} "
            f"{duration(getattr(p, f'tpot_p{s.slo_percentile}'))} · {rate(p.output_tokens_per_s)} · "
            f"{'meets' if p.meets_slo else '<b>misses</b>'} the target<br>{knee_sentence(d)}")

    # -- simulation ---------------------------------------------------------------------------
    def run_simulation(self) -> None:
        if self.worker is not None:
            return
        s = self.store.scenario
        if self.sim_key != load_free(s):
            self.sim_points = []
        self.sim_key = load_free(s)
        self.worker = SimWorker(s, self.requests.value())
        self.worker.progressed.connect(self._progressed)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        self.simulate.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        track(self.worker)
        self.worker.start()

    def cancel_simulation(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def running(self) -> bool:
        return self.worker is not None

    def _progressed(self, fraction: float, partial) -> None:
        if self.worker is None:
            return
        self.progress.setValue(int(round(100 * fraction)))
        self._show_sim(self.sim_points + [partial.summary])

    def _done(self, result) -> None:
        self.last_result = result
        if result.cancelled:
            self.progress.setFormat("cancelled")
            self._show_sim(self.sim_points)
            return
        self.progress.setValue(100)
        self.sim_points = self.sim_points + [result.summary]
        self._show_sim(self.sim_points)

    def _failed(self, why: str) -> None:
        self.progress.setFormat("failed")
        self.store.rejected.emit(why)

    def _finished(self) -> None:
        self.worker = None  # it deletes itself (worker.track)
        self.simulate.setEnabled(True)
        self.cancel.setEnabled(False)

    def _show_sim(self, points: list) -> None:
        if not points:
            self.sim_points = []
            self.sim_key = None
        for card in self.cards.values():
            card.set_sim(points)

    def closeEvent(self, event) -> None:
        if self.worker is not None:
            self.worker.cancel()
        super().closeEvent(event)
