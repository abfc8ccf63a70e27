"""The highway tab: the seed's 16-lane rush hour, driven by the live scenario.

Lanes = memory bandwidth ÷ N; traffic = the bytes the scenario moves per second; closed lanes =
construction (plus, on unified-memory machines, the CPU/display's share). Readouts and the
fundamental diagram come from explorer.core.highway.traffic; the moving cars are a seeded
Nagel–Schreckenberg simulation of the same numbers. The animation runs only while visible."""

from __future__ import annotations


from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QRadioButton, QSlider, QSpinBox, QVBoxLayout, QWidget)

from ...core.highway import traffic
from ...core.physics.units import bandwidth, count, duration, rate
from ..store import AppStore
from ..view_base import StoreView
from ..widgets import set_quietly
from .diagram import FundamentalDiagram
from .road import RoadWidget

FRAME_MS = 16  # ~60 fps
FRAMES_PER_STEP = 4  # one simulation step every 4 frames, positions interpolated between
STATE_COLOURS = {"free flow": "green", "heavy": "blue", "near capacity": "orange", "overloaded": "vermillion",
                 "closed loop": "blue", "road closed": "vermillion"}
DEMO_DELAY_MS = 2500
ROAD_CELLS = 120  # cells per lane: long enough for jams to form, short enough to see each car


class HighwayView(StoreView):
    """Its settings (lanes, closures, traffic) live in the store's ViewState.highway."""

    view_fields = frozenset({"highway", "theme", "font_scale"})

    def __init__(self, store: AppStore, parent: QWidget | None = None, seed: int = 0):
        super().__init__(store, parent)
        self.setObjectName("HighwayView")
        self.seed = seed
        self.paused = False
        self._frame = 0
        self.state: traffic.HighwayState | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.demo_timer = QTimer(self)
        self.demo_timer.setSingleShot(True)
        self.demo_timer.setInterval(DEMO_DELAY_MS)
        self.demo_timer.timeout.connect(self._demo_close_one_more)
        self._demo_closed = 0

        self.road = RoadWidget()
        self.diagram = FundamentalDiagram()
        controls = self._build_controls()
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setMinimumWidth(150)

        top = QHBoxLayout()
        top.addWidget(self.state_label)
        top.addWidget(self.readout, 1)
        side = QVBoxLayout()
        side.addWidget(self.diagram.flow, 1)
        side.addWidget(self.diagram.latency, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.road, 1, 0)
        grid.addLayout(side, 1, 1)
        grid.addWidget(controls, 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)

        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=self.toggle_pause,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.sim = None
        self.fits = True
        self.refresh()

    # -- controls ---------------------------------------------------------------------------
    def _build_controls(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)

        road = QGroupBox("Road")
        f = QFormLayout(road)
        self.lanes = QSpinBox()
        self.lanes.setRange(1, 64)
        self.lanes.setValue(traffic.DEFAULT_LANES)
        self.lanes.setToolTip("Split the device's bandwidth into this many lanes")
        self.closed = QSpinBox()
        self.closed.setRange(0, 64)
        self.closed.setToolTip("Lanes closed for construction (less usable bandwidth)")
        self.shared = QSlider(Qt.Orientation.Horizontal)
        self.shared.setRange(0, 50)
        self.shared.setToolTip("Unified memory: share of bandwidth taken by the CPU and display")
        self.shared_label = QLabel("0 %")
        shared_row = QHBoxLayout()
        shared_row.addWidget(self.shared, 1)
        shared_row.addWidget(self.shared_label)
        f.addRow("Lanes", self.lanes)
        f.addRow("Closed", self.closed)
        f.addRow("CPU/display share", shared_row)
        row.addWidget(road)

        traffic_box = QGroupBox("Traffic")
        t = QFormLayout(traffic_box)
        self.fastest = QRadioButton("As fast as the hardware allows (closed loop)")
        self.fastest.setToolTip("One decode step in flight per sequence: no arrivals, so no queue and no ρ")
        self.target = QRadioButton("Arrivals per user (open loop)")
        self.target.setToolTip("Work arrives at users × this rate whether or not the road keeps up (the batch stays fixed): "
                               "ρ, and past ρ = 1 a waiting line that grows without bound. A person who waits for each "
                               "reply before asking again is a closed loop instead: overload only slows them.")
        self.fastest.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.fastest)
        group.addButton(self.target)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 100_000)
        self.rate.setValue(20.0)
        self.rate.setSuffix(" tokens/s")
        self.rate.setToolTip("A chat feels fluent at ~20 tokens/s per user")
        self.users = QSpinBox()
        self.users.setRange(1, 1_000_000)
        self.users.setGroupSeparatorShown(True)
        self.users.setSuffix(" users")
        target_row = QHBoxLayout()
        target_row.addWidget(self.target)
        target_row.addWidget(self.rate, 1)
        t.addRow(self.fastest)
        t.addRow(target_row)
        t.addRow("× ", self.users)
        row.addWidget(traffic_box, 1)

        buttons = QVBoxLayout()
        self.show_side = QComboBox()
        self.show_side.addItem("Traffic of B (live)", "live")
        self.show_side.addItem("Traffic of A (pinned)", "pinned")
        self.show_side.setToolTip("With a pinned scenario A: whose traffic the road shows (Compare › Pin as A)")
        self.show_side.currentIndexChanged.connect(self._controls_changed)
        buttons.addWidget(self.show_side)
        self.pause_button = QPushButton("Pause (Space)")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self.set_paused)
        self.demo_button = QPushButton("Demo: one more lane")
        self.demo_button.setToolTip("The essay's point, open loop: at ρ ≈ 0.96 one more closed lane overloads the road — "
                                    "the queue then grows without bound (the road itself keeps flowing)")
        self.demo_button.clicked.connect(self.demo_cliff)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.demo_button)
        row.addLayout(buttons)

        for w in (self.lanes, self.closed, self.users, self.rate, self.shared):
            w.valueChanged.connect(self._controls_changed)
        self.fastest.toggled.connect(self._controls_changed)
        return box

    def _controls_changed(self, *_args) -> None:
        """Controls → the store's highway settings (and drawn at once: the road is this view)."""
        target = self.target.isChecked()
        now = self.store.view.highway
        shown = dict(lanes=self.lanes.value(), closed=self.closed.value(), shared_percent=self.shared.value(),
                     rate=self.rate.value(), users=self.users.value(),
                     target_tokens_per_s=self.rate.value() if target else None, show=self.show_side.currentData())
        # Only what the user changed: the rules (core.state.view_rules) complete it, e.g. fewer
        # lanes than are closed close them all.
        changes = {k: v for k, v in shown.items() if getattr(now, k) != v}
        if changes and not self.store.set_view(highway=changes):
            self._show_settings()  # refused: the controls go back to the settings in force
        self.refresh()

    def _show_settings(self) -> None:
        """Store → controls, without echoing signals back."""
        hw = self.store.view.highway
        self.closed.setMaximum(hw.lanes)
        set_quietly(self.lanes, hw.lanes)
        set_quietly(self.closed, hw.closed)
        set_quietly(self.shared, hw.shared_percent)
        set_quietly(self.rate, hw.rate)
        set_quietly(self.users, hw.users)
        set_quietly(self.show_side, hw.show)
        self.show_side.setEnabled(self.store.pinned is not None)
        with QSignalBlocker(self.target), QSignalBlocker(self.fastest):
            (self.target if hw.target_tokens_per_s is not None else self.fastest).setChecked(True)

    # -- model → view ---------------------------------------------------------------------
    @property
    def shown_scenario(self):
        """B (the live scenario), or the pinned A when the user chose to see A's traffic."""
        hw = self.store.view.highway
        pinned = self.store.pinned
        return pinned if hw.show == "pinned" and pinned is not None else self.store.scenario

    @property
    def shown_results(self):
        """The store's Results of :attr:`shown_scenario` (computed once per scenario and settings)."""
        return self.store.pinned_results if self.shown_scenario is self.store.pinned else self.store.results

    def compute_state(self) -> traffic.HighwayState:
        s = self.shown_scenario
        hw = self.store.view.highway
        return self.shown_results.highway(
            lanes=hw.lanes, closed=hw.closed,
            shared_fraction=hw.shared_percent / 100.0 if s.hardware.unified_memory else 0.0,
            target_tokens_per_s=hw.target_tokens_per_s, users=hw.users)

    def redraw(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self._show_settings()
        s = self.shown_scenario
        unified = s.hardware.unified_memory
        self.shared.setEnabled(unified)
        self.shared_label.setText(f"{self.shared.value()} %" if unified else "n/a (not unified)")
        self.rate.setEnabled(self.target.isChecked())
        self.users.setEnabled(self.target.isChecked())
        st = self.state = self.compute_state()
        self.fits = self.shown_results.estimate.fits
        if self.sim is None or self.sim.lanes != st.lanes:
            self.sim = traffic.simulation_for(st, seed=self.seed, length=ROAD_CELLS)
            self.road.set_sim(self.sim)
        self.sim.set_closed(st.closed_lanes)
        self.sim.set_demand(st.demand_lanes if self.fits else 0.0)
        sweep = self.shown_results.lane_sweep(st.lanes) if st.closed_loop else None
        self.diagram.update(st, sweep)
        self.road.blocked = None if self.fits else "does not fit in memory: nothing to drive"
        self._show_state(st)
        self.readout.setText(self._readout_text(st))
        self._sync_timer()
        self.road.update()

    def _show_state(self, st: traffic.HighwayState) -> None:
        if not self.fits:
            word, name, sub = "does not fit", "vermillion", "no traffic to show"
        elif st.closed_loop:
            word, name = st.state, STATE_COLOURS[st.state]
            sub = "no queue" if st.open_lanes else "no bandwidth"
        else:
            word, name, sub = st.state, STATE_COLOURS[st.state], f"ρ = {st.rho:.2f}"
        sub += self._side()
        colour = self.theme.colour(name)
        self.state_label.setText(f"<div style='font-size:15pt; font-weight:700; color:{colour}'>{word}</div>"
                                 f"<div>{sub}</div>")

    def _readout_text(self, st: traffic.HighwayState) -> str:
        shared = f" ({st.shared_lanes} taken by CPU/display)" if st.shared_lanes else ""
        lanes = (f"{st.open_lanes} of {st.lanes} lanes × {bandwidth(st.lane_capacity)} = "
                 f"<b>{bandwidth(st.open_bandwidth)}</b> open{shared}")
        per_step = bandwidth(st.bytes_per_step).replace("/s", "")  # GB: it multiplies into GB/s here
        prefix = (f"<span style='color:{self.theme.error}'>Does not fit in memory — figures below are only "
                  "what it would do if it fit.</span> " if not self.fits else "")
        if st.closed_loop:
            if not st.open_lanes:
                return prefix + f"All {st.lanes} lanes closed: no bandwidth, no decode step can run."
            return prefix + (
                f"Closed loop: one decode step in flight per sequence, the next starts when it ends — no queue. "
                f"{lanes} · each step moves {per_step} → <b>{duration(st.step_time)}</b> per step "
                f"(× {st.slowdown:.2f} vs all lanes open) = <b>{rate(st.delivered_tokens_per_s)}</b>. "
                f"Fewer lanes: slower steps, not a traffic jam.")
        if st.rho >= 1:
            wait = ("latency unbounded: the queue grows by "
                    f"{bandwidth(st.queue_growth)} while the road still delivers its full capacity")
        else:
            wait = f"latency × {st.latency_multiplier:.2f} (M/D/1)"
        return prefix + (
            f"Open loop: demand <b>{bandwidth(st.demand)}</b> ({count(st.steps_per_s)} steps/s × {per_step} per step) · "
            f"{lanes}, serving <b>{bandwidth(st.capacity)}</b> ({duration(st.step_time)} per step) · "
            f"delivered <b>{bandwidth(st.delivered)}</b> = <b>{rate(st.delivered_tokens_per_s)}</b> · {wait}")

    def _side(self) -> str:
        if self.store.pinned is None:
            return ""
        return " · A (pinned)" if self.shown_scenario is self.store.pinned else " · B (live)"

    # -- animation ------------------------------------------------------------------------------
    def tick(self) -> None:
        self._frame += 1
        if self._frame % FRAMES_PER_STEP == 0:
            self.road.remember()
            self.sim.step()
        self.road.frac = (self._frame % FRAMES_PER_STEP + 1) / FRAMES_PER_STEP
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

    # -- the seed's demonstration -------------------------------------------------------------
    def demo_cliff(self) -> None:
        """Near capacity first (ρ ≈ 0.96), then — after a pause to watch — one more closure."""
        cliff = traffic.cliff_demo(self.lanes.value())
        self.shared.setValue(0)
        self.closed.setValue(cliff.closed)
        self.target.setChecked(True)
        self.rate.setValue(traffic.cliff_target(self.shown_scenario, cliff, self.users.value()))
        self._demo_closed = cliff.closed + 1
        self.demo_timer.start()

    def _demo_close_one_more(self) -> None:
        self.closed.setValue(self._demo_closed)
