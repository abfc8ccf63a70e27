"""Plan a deployment (placeholder until the core's planner lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..view_base import StoreView


class PlannerView(StoreView):
    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(store, parent)
        QVBoxLayout(self).addWidget(QLabel("The deployment planner needs explorer.core.serving.plan."))

    def redraw(self) -> None:
        pass
