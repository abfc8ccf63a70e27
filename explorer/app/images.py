"""Images rendered to bytes in memory, so that writing them is one atomic step (core.atomic)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QPixmap


def png_bytes(pixmap: QPixmap | QImage) -> bytes:
    """The pixmap or image as PNG file contents; ValueError when it cannot be encoded (empty)."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = pixmap.save(buf, "PNG")
    buf.close()
    if not ok or data.isEmpty():
        raise ValueError(f"could not encode a {pixmap.width()}×{pixmap.height()} image as PNG")
    return bytes(data.data())
