"""The four editing panels, each in a dock on the left (Model, Precision and Hardware tabbed,
Workload below). A panel behind another dock's tab is built when first shown or asked for,
which keeps start-up short: ``PanelDocks`` is a mapping key → panel that builds on access."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QScrollArea

from .panels.base import HeldKeys, Panel
from .panels.hardware_panel import HardwarePanel
from .panels.model_panel import ModelPanel
from .panels.precision_panel import PrecisionPanel
from .panels.workload_panel import WorkloadPanel

PANEL_WIDTH = 350  # px: the left dock; leaves ~920 px for the plots at 1280×720
PANELS: dict[str, type[Panel]] = {"model": ModelPanel, "precision": PrecisionPanel, "hardware": HardwarePanel,
                                  "workload": WorkloadPanel}


class PanelDocks(Mapping):
    def __init__(self, window, store):
        self.store = store
        self.held_keys = HeldKeys(store, window)
        self.docks: dict[str, QDockWidget] = {}
        self._panels: dict[str, Panel] = {}
        for key, cls in PANELS.items():
            dock = QDockWidget(cls.title, window)
            dock.setObjectName(f"dock-{key}")
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setMinimumWidth(PANEL_WIDTH)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            dock.setWidget(scroll)
            dock.visibilityChanged.connect(partial(self._visibility, key))
            window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
            self.docks[key] = dock
        window.tabifyDockWidget(self.docks["model"], self.docks["precision"])
        window.tabifyDockWidget(self.docks["precision"], self.docks["hardware"])
        self.docks["model"].raise_()
        window.resizeDocks([self.docks["model"], self.docks["workload"]], [520, 150], Qt.Orientation.Vertical)
        for key in ("model", "workload"):  # in view at start
            self[key]

    def _visibility(self, key: str, visible: bool) -> None:
        if visible:
            self[key]

    def __getitem__(self, key: str) -> Panel:
        panel = self._panels.get(key)
        if panel is None:
            panel = self._panels[key] = PANELS[key](self.store)
            self.held_keys.watch(panel)
            self.docks[key].widget().setWidget(panel)
        return panel

    def __iter__(self):
        return iter(PANELS)

    def __len__(self) -> int:
        return len(PANELS)

    def built(self, key: str) -> bool:
        return key in self._panels
