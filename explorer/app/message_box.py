"""Modal warnings whose text may hold a file's words (a path, a name, a parse error quoting a line).

``QMessageBox.warning`` guesses the format (Qt.AutoText): a file named ``<img src=…>.json`` would be
rendered as HTML, loading a local image. Every box here shows its text as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_NAME


def warn(parent: QWidget | None, text: str, title: str = APP_NAME) -> None:
    """A modal warning with ``text`` shown literally (never as rich text)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
