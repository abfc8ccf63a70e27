"""Unexpected errors, shown truthfully and calmly.

Every unhandled exception (a slot, a timer, the event loop: PySide6 hands them all to
``sys.excepthook``) and every Qt warning goes to one rotating log file in the platform's log
folder (shown in Help › About). The user sees one non-modal box at a time with the error, where
the details are, and a "Copy details" button; the same error again only raises a counter in that
box instead of stacking boxes. The text claims nothing about the scenario it cannot know.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path


log = logging.getLogger("explorer")
LOG_NAME = "inference-explorer.log"
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3  # at most 4 MB of logs on disk


def log_dir() -> Path:
    """The platform's log folder (``INFERENCE_EXPLORER_LOG_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get("INFERENCE_EXPLORER_LOG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("inference-explorer", appauthor=False))


def setup_logging() -> Path | None:
    """stderr plus the rotating log file; returns the file's path (None when it cannot be created:
    a read-only home still starts, logging to stderr only)."""
    if not any(isinstance(h, logging.StreamHandler) and getattr(h, "explorer", False) for h in log.handlers):
        err = logging.StreamHandler(sys.stderr)
        err.explorer = True
        err.setLevel(logging.WARNING)  # the terminal gets warnings and errors; the file gets everything
        err.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(err)
    log.setLevel(logging.INFO)
    for h in log.handlers:
        if isinstance(h, logging.handlers.RotatingFileHandler):
            return Path(h.baseFilename)
    path = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                       encoding="utf-8")
    except OSError as exc:
        log.warning("no log file (%s); logging to stderr only", exc.strerror or exc)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    return path


def log_file() -> Path | None:
    for h in log.handlers:
        if isinstance(h, logging.handlers.RotatingFileHandler):
            return Path(h.baseFilename)
    return None


class ErrorReporter:
    """The one error box. ``report`` is the excepthook; it never raises."""

    def __init__(self, parent=None):
        self.parent = parent
        self.box = None
        self.counts: dict[str, int] = {}
        self.key = None
        self._busy = False

    def install(self) -> "ErrorReporter":
        sys.excepthook = self.report
        return self

    def report(self, exc_type, exc, tb) -> None:
        if self._busy:  # an error while showing an error: log only
            log.error("error while reporting an error: %s", exc)
            return
        self._busy = True
        try:
            details = "".join(traceback.format_exception(exc_type, exc, tb))
            log.error("unexpected error:\n%s", details)
            key = f"{exc_type.__name__}: {exc}"
            self.counts[key] = self.counts.get(key, 0) + 1
            self._show(key, details)
        except Exception as inner:  # noqa: BLE001 — the reporter itself must never take the app down
            log.error("could not show the error box: %r", inner)
        finally:
            self._busy = False

    def _show(self, key: str, details: str) -> None:
        from .error_box import ErrorBox

        if self.box is None:
            self.box = ErrorBox(self.parent)
        if not self.box.isVisible() or key != self.key:
            self.box.set_error(key, details, log_file())
            self.key = key
        self.box.set_count(self.counts[key], sum(self.counts.values()))
        if not self.box.isVisible():
            self.box.show()
