"""Autosave: the whole AppState written atomically within a second of the first unsaved change,
to the platform's app-data folder. A clean exit removes the file, so a file found at start-up
means the last run ended without one (a crash, ``kill -9``, a power cut): the app offers to
restore it.

Several windows on one home folder never share a file. Each running instance holds a lock
(``QLockFile``: the holder's PID and host; a lock whose process has died is stale and taken
over) on one of :data:`SLOTS` autosave slots and writes only that slot's file. A second
instance takes the next free slot, so it never offers to restore a session that is still open,
and quitting it removes only its own file. A slot whose holder died is taken by the next
instance that starts, which offers its file back.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal

from ..core.io.atomic import WriteError, write_text
from ..core.state.appstate import AppState
from .settings import app_folder

log = logging.getLogger("explorer")
DELAY_MS = 250  # from the first unsaved change: on disk within 1 s however many changes follow
FILE_NAME = "autosave-session.json"
SLOTS = 16  # instances at once on one home folder, each with its own file


def default_path() -> Path:
    return app_folder(QStandardPaths.StandardLocation.AppDataLocation, ".local/share") / FILE_NAME


def slot_path(folder: Path, n: int) -> Path:
    return folder / (FILE_NAME if n == 0 else f"autosave-session-{n}.json")


def claim(folder: Path) -> tuple[Path | None, QLockFile | None]:
    """The first autosave slot no running instance holds, locked for this one: (its file, the
    lock to keep for the run). (None, None) when the folder cannot be made or every slot is held."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("no autosave: cannot create %s (%s)", folder, exc.strerror or exc)
        return None, None
    for n in range(SLOTS):
        lock = QLockFile(str(folder / f"autosave-{n}.lock"))
        lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        if lock.tryLock(0):
            return slot_path(folder, n), lock
    log.warning("no autosave: %d other instances hold every slot in %s", SLOTS, folder)
    return None, None


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
    failed = Signal(str)  # the first failure after a success (or at start): say it once
    recovered = Signal()  # a save succeeded after a failure

    def __init__(self, store, path: Path | None, parent: QObject | None = None, lock: QLockFile | None = None):
        super().__init__(parent)
        self.store = store
        self.path = None if path is None else Path(path)
        self.lock = lock  # held for the whole run: this instance's slot
        self.error = ""
        self.saves = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        if self.path is not None:
            store.committed.connect(self._changed)

    def _changed(self) -> None:
        """Counted from the FIRST unsaved change: later changes never push the save back."""
        if not self._timer.isActive():
            self._timer.start()

    def save_now(self) -> bool:
        self._timer.stop()
        if self.path is None:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, self.store.state.to_json())
        except (WriteError, OSError) as exc:
            first = not self.error
            self.error = f"Autosave failed: {exc}"
            log.warning("%s", self.error)
            if first:
                self.failed.emit(self.error)
            return False
        if self.error:
            self.error = ""
            self.recovered.emit()
        self.saves += 1
        return True

    def clear(self) -> None:
        """A clean exit: nothing to recover next time (this instance's file only)."""
        self._timer.stop()
        if self.path is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("could not remove the autosave %s: %s", self.path, exc)

    def release(self) -> None:
        """The run is over: another instance may take this slot."""
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
