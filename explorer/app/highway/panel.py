"""The highway's controls: lanes, closed lanes, the CPU/display share (unified memory) and whose
traffic is shown. They edit ``ViewState.highway`` through the store like any panel edits the
scenario; the rules (closed lanes follow the road down, the ranges) live in the core
(``explorer.core.state.view_rules``) and a refused edit puts the controls back. The traffic itself is the scenario's load
(the Workload panel, or the Serving tab's slider)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget
from PySide6.QtCore import Qt

from ...core.state import view_rules
from ..view_base import StoreView
from ..widgets import set_quietly


class HighwayPanel(StoreView):
    view_fields = frozenset({"highway"})
    depends = frozenset({"hardware"})  # unified memory or not
    uses_pinned = True
    lazy_when_hidden = False
    frame_capped = False

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setObjectName("HighwayPanel")
        road = QGroupBox("Road")
        f = QFormLayout(road)
        self.lanes = QSpinBox()
        self.lanes.setRange(*view_rules.LANES)
        self.lanes.setToolTip("Split the device's memory bandwidth into this many lanes")
        self.closed = QSpinBox()
        self.closed.setRange(0, 64)
        for box in (self.lanes, self.closed):
            box.setMaximumWidth(90)
        self.closed.setToolTip("Lanes closed for construction: each takes one lane's bandwidth away")
        self.shared = QSlider(Qt.Orientation.Horizontal)
        self.shared.setRange(*view_rules.SHARED_PERCENT)
        self.shared.setToolTip("Unified memory: share of bandwidth taken by the CPU and display")
        self.shared_label = QLabel("0 %")
        shared_row = QHBoxLayout()
        shared_row.addWidget(self.shared, 1)
        shared_row.addWidget(self.shared_label)
        lanes_row = QHBoxLayout()
        lanes_row.addWidget(self.lanes)
        lanes_row.addWidget(QLabel("closed"))
        lanes_row.addWidget(self.closed)
        lanes_row.addStretch(1)
        f.addRow("Lanes", lanes_row)
        f.addRow("CPU/display share", shared_row)
        self.show_side = QComboBox()
        self.show_side.addItem("Traffic of B (live)", "live")
        self.show_side.addItem("Traffic of A (pinned)", "pinned")
        self.show_side.setToolTip("With a pinned scenario A: whose traffic the road shows (Compare › Pin as A)")
        f.addRow("Show", self.show_side)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(road)
        self.lanes.valueChanged.connect(lambda v: self.edit(lanes=int(v)))
        self.closed.valueChanged.connect(lambda v: self.edit(closed=int(v)))
        self.shared.valueChanged.connect(lambda v: self.edit(shared_percent=int(v)))
        self.show_side.currentIndexChanged.connect(lambda _i: self.edit(show=self.show_side.currentData()))
        self.redraw()

    def edit(self, **changes) -> None:
        self.store.set_view(highway=changes)
        self.redraw()  # at once: what the rules made of the edit (or, refused, the settings in force)

    def redraw(self) -> None:
        hw = self.store.view.highway
        self.closed.setMaximum(hw.lanes)
        set_quietly(self.lanes, hw.lanes)
        set_quietly(self.closed, hw.closed)
        set_quietly(self.shared, hw.shared_percent)
        set_quietly(self.show_side, hw.show)
        self.show_side.setEnabled(self.store.pinned is not None)
        unified = self.store.scenario.hardware.unified_memory
        self.shared.setEnabled(unified)
        self.shared_label.setText(f"{hw.shared_percent} %" if unified else "n/a (not unified)")
