"""The formula inspector: click a readout to see how it is computed — the formula, each input with
its value and source, the result and its band. The text is core's (``explain``), the same the CLI
prints with ``estimate --explain``; it follows the scenario while open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from ..core.text.explain import KEYS, explain
from ..core.state.scenario import ScenarioError
from .view_base import StoreView

TITLES = {"decode": "Decode speed (time per token, tokens/s)", "prefill": "Time to first token",
          "output": "Whole-job throughput (output tokens/s)", "memory": "Memory per device",
          "energy": "Energy and cost"}
# Readout tile -> the explanation behind it.
TILE_KEYS = {"ttft": "prefill", "tpot": "decode", "tps": "decode", "fit": "memory", "bound": "decode",
             "energy": "energy", "cost": "energy", "rel": "prefill"}


class InspectorBody(StoreView):
    frame_capped = False

    def __init__(self, store, key: str, parent: QWidget | None = None):
        super().__init__(store, parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.which = QComboBox()
        for k in KEYS:
            self.which.addItem(TITLES[k], k)
        self.which.setCurrentIndex(max(0, self.which.findData(key)))
        self.which.currentIndexChanged.connect(self.redraw)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        lay.addWidget(self.which)
        lay.addWidget(self.text, 1)
        self.redraw()

    def show_key(self, key: str) -> None:
        self.which.setCurrentIndex(max(0, self.which.findData(key)))
        self.redraw()

    def redraw(self) -> None:
        key = self.which.currentData()
        try:
            parts = explain(self.store.scenario)
        except ScenarioError as exc:
            self.text.setPlainText(str(exc))
            return
        e = parts.get(key)
        self.text.setPlainText(e.text() if e else f"{TITLES[key]}: not computed for this scenario "
                               "(nothing is generated).")


class Inspector(QDialog):
    """Non-modal: stays open beside the window and follows every edit."""

    def __init__(self, store, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("How this number is computed")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        self.body = InspectorBody(store, key)
        lay.addWidget(self.body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay.addWidget(buttons)

    def closeEvent(self, event) -> None:
        self.body.unbind()
        super().closeEvent(event)
