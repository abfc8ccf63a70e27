"""Autosave: the whole AppState written atomically within a second of every committed change,
to the platform's app-data folder. A clean exit removes the file, so a file found at start-up
means the last run ended without one (a crash, ``kill -9``, a power cut): the app offers to
restore it."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from ..core.state.appstate import AppState
from ..core.io.atomic import WriteError, write_text
from .settings import app_folder

log = logging.getLogger("explorer")
DELAY_MS = 250  # after a commit (a gesture ends ≤ 0.6 s after its last edit): on disk within 1 s
FILE_NAME = "autosave-session.json"


def default_path() -> Path:
    return app_folder(QStandardPaths.StandardLocation.AppDataLocation, ".local/share") / FILE_NAME


def pending(path: Path | None) -> tuple[AppState | None, str]:
    """The session a run that did not exit cleanly left behind, and a notice if it was unusable
    (then moved aside as ``<name>.bad-<time>``)."""
    if path is None or not Path(path).exists():
        return None, ""
    try:
        return AppState.from_file(path), ""
    except (ValueError, OSError) as exc:
        backup = Path(path).with_name(f"{Path(path).name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, backup)
        except OSError:
            pass
        return None, f"The autosaved session could not be restored ({exc}); it was kept as {backup.name}."


class Autosaver(QObject):
    def __init__(self, store, path: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.path = None if path is None else Path(path)
        self.error = ""
        self.saves = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        if self.path is not None:
            store.committed.connect(self._timer.start)

    def save_now(self) -> bool:
        self._timer.stop()
        if self.path is None:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, self.store.state.to_json())
        except (WriteError, OSError) as exc:
            self.error = f"Autosave failed: {exc}"
            log.warning("%s", self.error)
            return False
        self.error = ""
        self.saves += 1
        return True

    def clear(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._timer.stop()
        if self.path is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("could not remove the autosave %s: %s", self.path, exc)
