"""The one settings object: created once at start-up and passed in, never at import time.

A versioned JSON file (``explorer.core.state.settings``) in the platform's config folder,
written atomically. A corrupt file, or one from a newer version of the app, is moved aside
(``settings.json.bad-<time>``) and the app starts from defaults; :attr:`notice` says so.
``--safe-mode`` uses a Settings that reads and writes nothing.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from ..core.io import untrusted
from ..core.io.atomic import WriteError, write_text
from ..core.state.settings import SettingsData, SettingsError

log = logging.getLogger("explorer")


def app_folder(kind: QStandardPaths.StandardLocation, fallback: str) -> Path:
    base = QStandardPaths.writableLocation(kind)
    return Path(base or Path.home() / fallback / "inference-explorer")


class Settings:
    def __init__(self, path: Path | None, read: bool = True):
        """``path`` None: remember nothing (safe mode)."""
        self.path = None if path is None else Path(path)
        self.data = SettingsData()
        self.notice = ""
        if self.path is not None and read:
            self._load()

    @classmethod
    def default(cls, safe_mode: bool = False) -> "Settings":
        if safe_mode:
            return cls(None)
        return cls(app_folder(QStandardPaths.StandardLocation.AppConfigLocation, ".config") / "settings.json")

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            self.data = SettingsData.from_json(untrusted.read_text(self.path))
        except (SettingsError, ValueError, OSError) as exc:
            backup = self.path.with_name(f"{self.path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, backup)
                kept = f"it was kept as {backup.name}"
            except OSError as move_exc:
                kept = f"it could not be moved aside ({move_exc.strerror or move_exc})"
            self.notice = f"Settings were reset to defaults: {self.path.name} was unusable ({exc}); {kept}."
            log.warning("%s", self.notice)

    def update(self, **changes) -> None:
        self.data = replace(self.data, **changes)

    def save(self) -> bool:
        if self.path is None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, self.data.to_json())
        except (WriteError, OSError) as exc:
            log.warning("settings not saved: %s", exc)
            return False
        return True
