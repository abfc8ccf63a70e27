"""The non-modal box that shows an unexpected error: what happened, how often, where the log is,
and the details behind a "Copy details" button (see errors.py for when it appears)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from .. import APP_NAME


class ErrorBox(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ErrorBox")
        self.setWindowTitle(f"{APP_NAME}: unexpected error")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        lay = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # the summary quotes an exception: may hold a file's text
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.message)
        self.count = QLabel()
        lay.addWidget(self.count)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.hide()
        lay.addWidget(self.details)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy details")
        self.show_button = QPushButton("Show &details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.clicked.connect(lambda: self.details.setVisible(not self.details.isVisible()))
        lay.addWidget(buttons)
        self.resize(520, 200)

    def set_error(self, summary: str, details: str, log_path: Path | None) -> None:
        where = f"The details are in the log: {log_path}" if log_path else "The details were written to the console."
        self.message.setText(f"Something went wrong:\n{summary[:600]}\n\nThe app keeps running; the window shows "
                             f"the current scenario. If a view looks wrong, undo the last change (Ctrl+Z).\n{where}")
        self.details.setPlainText(details)

    def set_count(self, this: int, total: int) -> None:
        others = total - this
        text = f"This error happened {this} time{'s' if this != 1 else ''}" if this > 1 else ""
        if others:
            text += ("; " if text else "") + f"{others} other error{'s' if others != 1 else ''} (see the log)"
        self.count.setText(text)
        self.count.setVisible(bool(text))

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())
