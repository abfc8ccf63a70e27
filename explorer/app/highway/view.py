"""The highway tab: the essay's rush hour, told with the serving model.

The road is memory bandwidth in lanes; cars are requests entering through an on-ramp (the
admission queue) and leaving when done; every step carries the running batch. The figures are
``explorer.core.highway.traffic.highway`` — the Serving view's figures for the same scenario on
the open lanes. Controls live in :class:`HighwayPanel` (``ViewState.highway``); the load is the
scenario's. The animation runs only while visible."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.highway import traffic
from ...core.highway.cars import RequestRoad
from ..view_base import StoreView
from .diagram import FundamentalDiagram
from .panel import HighwayPanel
from .readout import readout_text, state_words
from .road import RoadWidget

FRAME_MS = 16  # ~60 fps
CROSSING_WALL_S = 5.0  # a request crosses the fully open road in about this many seconds on screen
STATE_COLOURS = {"free flow": "green", "heavy": "blue", "near capacity": "orange", "overloaded": "vermillion",
                 traffic.RAMP_QUEUE: "orange", traffic.ROAD_CLOSED: "vermillion"}
DEMO_DELAY_MS = 2500


class HighwayView(StoreView):
    view_fields = frozenset({"highway", "theme", "font_scale"})
    word_size = "15pt"  # the state word's size (the stage's copy sets its own)

    def __init__(self, store, parent: QWidget | None = None, seed: int = 0):
        super().__init__(store, parent)
        self.setObjectName("HighwayView")
        self.seed = seed
        self.paused = False
        self.state: traffic.Road | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.demo_timer = QTimer(self)
        self.demo_timer.setSingleShot(True)
        self.demo_timer.setInterval(DEMO_DELAY_MS)
        self.demo_timer.timeout.connect(self._demo_close_one_more)

        self.road = RoadWidget()
        self.cars: RequestRoad | None = None
        self._time_scale = 1.0  # simulated seconds per wall second
        self._scale_key = None
        self.diagram = FundamentalDiagram()
        self.panel = HighwayPanel(store)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setMinimumWidth(150)
        self.pause_button = QPushButton("Pause (Space)")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self.set_paused)
        self.demo_button = QPushButton("Demo: one more lane")
        self.demo_button.setToolTip("The essay's rush hour, open loop: arrivals just under what the road carries, "
                                    "then one more closed lane — the on-ramp queue grows without bound while the "
                                    "cars on the road keep moving")
        self.demo_button.clicked.connect(self.demo_cliff)

        top = QHBoxLayout()
        top.addWidget(self.state_label)
        top.addWidget(self.readout, 1)
        side = QVBoxLayout()
        side.addWidget(self.diagram.flow, 1)
        side.addWidget(self.diagram.latency, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.panel, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.demo_button)
        bottom.addLayout(buttons)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.road, 1, 0)
        grid.addLayout(side, 1, 1)
        grid.addLayout(bottom, 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=self.toggle_pause,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.fits = True
        self.refresh()

    # -- model → view ---------------------------------------------------------------------
    @property
    def shown_scenario(self):
        """B (the live scenario), or the pinned A when the user chose to see A's traffic."""
        pinned = self.store.pinned
        return pinned if self.store.view.highway.show == "pinned" and pinned is not None else self.store.scenario

    @property
    def shown_results(self):
        """The store's Results of :attr:`shown_scenario` (computed once per scenario and settings)."""
        return self.store.pinned_results if self.shown_scenario is self.store.pinned else self.store.results

    def compute_state(self) -> traffic.Road:
        s = self.shown_scenario
        hw = self.store.view.highway
        return self.shown_results.highway(lanes=hw.lanes, closed=hw.closed,
                                          shared_fraction=hw.shared_percent / 100.0 if s.hardware.unified_memory else 0.0)

    def redraw(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.fits = self.shown_results.estimate.fits
        st = self.state = self.compute_state()
        if self.cars is None or self.cars.lanes != st.lanes:
            self.cars = RequestRoad(st.lanes, seed=self.seed)
            self.road.set_road(self.cars)
        self._configure_cars(st)
        self.diagram.update(st)
        self.road.blocked = None if self.fits else "does not fit in memory: nothing to drive"
        word, sub = state_words(st, self.fits)
        colour = self.theme.colour(STATE_COLOURS.get(word, "vermillion"))
        self.state_label.setText(f"<div style='font-size:{self.word_size}; font-weight:700; color:{colour}'>{word}</div>"
                                 f"<div>{sub}{self._side()}</div>")
        self.readout.setText(readout_text(st, self.fits, self.theme.error))
        self._sync_timer()
        self.road.update()

    def _configure_cars(self, st: traffic.Road) -> None:
        p = st.point
        if p is None:
            self.cars.configure(0, math.inf, 0.0)
            return
        out = max(st.scenario.generate, 1)
        crossing = st.time_on_road
        key = (self.shown_scenario.model, self.shown_scenario.hardware.id, out)
        if key != self._scale_key:  # one time scale per scenario: closing lanes visibly slows the cars
            self._scale_key = key
            self._time_scale = crossing / st.slowdown / CROSSING_WALL_S
        rate, clients = (0.0, int(st.scenario.load)) if st.closed_loop else (float(st.scenario.load), 0)
        self.cars.configure(st.open_lanes, crossing, st.batch_capacity, rate=rate, clients=clients)
        q = p.queue_length
        self.road.queue_text = "model: grows" if not math.isfinite(q) else f"model: {q:,.0f}"

    def _side(self) -> str:
        if self.store.pinned is None:
            return ""
        return " · A (pinned)" if self.shown_scenario is self.store.pinned else " · B (live)"

    def snapshot(self) -> None:
        """The road as the serving model's steady state: its batch on the road, its queue on the
        ramp (a still: an exported slide, a step's first frame)."""
        st = self.state
        if st is None or st.point is None or self.cars is None:
            return
        self.cars.snapshot(st.point.mean_running, st.point.queue_length, st.queue_growth)
        self.road.update()

    # -- animation ------------------------------------------------------------------------------
    def tick(self) -> None:
        self.cars.step(FRAME_MS / 1000.0 * self._time_scale)
        self.road.update()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setText("Resume (Space)" if paused else "Pause (Space)")
        self._sync_timer()

    def toggle_pause(self) -> None:
        self.pause_button.toggle()

    def _sync_timer(self) -> None:
        run = self.isVisible() and not self.paused and self.fits
        if run and not self.timer.isActive():
            self.timer.start()
        elif not run and self.timer.isActive():
            self.timer.stop()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._sync_timer()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._sync_timer()

    # -- the essay's rush hour ----------------------------------------------------------------
    def demo_cliff(self) -> None:
        """Open loop at a rate just under what the road carries with a quarter of its lanes
        closed; after a pause one more lane closes and the road is overloaded."""
        hw = self.store.view.highway
        c = traffic.cliff(self.store.scenario, hw.lanes)
        self.store.update(load_kind="rate", load=float(f"{c.rate:.3g}"))
        self.store.set_view(highway={"closed": c.closed, "shared_percent": 0})
        self.store.flush()
        self.refresh()
        self.demo_timer.start()

    def _demo_close_one_more(self) -> None:
        hw = self.store.view.highway
        if hw.closed < hw.lanes:
            self.store.set_view(highway={"closed": hw.closed + 1})
            self.store.flush()
            self.refresh()
