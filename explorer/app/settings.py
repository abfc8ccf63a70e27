"""The one settings object: created once at start-up and passed in, never at import time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths


class Settings:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._q = QSettings(str(self.path), QSettings.Format.IniFormat)

    @classmethod
    def default(cls) -> "Settings":
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
        return cls(Path(base or Path.home() / ".config" / "inference-explorer") / "settings.ini")

    def value(self, key: str, default=None):
        return self._q.value(key, default)

    def set_value(self, key: str, value) -> None:
        self._q.setValue(key, value)

    def sync(self) -> None:
        self._q.sync()
