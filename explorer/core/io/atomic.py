"""Atomic file writes: a failure or a kill never leaves a truncated file where a good one was.

Every file the app writes (scenario, autosave, settings, CSV, PNG, SVG, exported tours) goes
through :func:`write_bytes` / :func:`write_text`: the data is written to a temporary file in the
same folder, flushed and fsync'ed, then renamed over the target (``os.replace`` is atomic on
POSIX and Windows). On any error the temporary file is removed, the previous file is left
byte-for-byte intact, and :class:`WriteError` says so in one line.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteError(OSError):
    """A write that failed; the message names the file and says the old one is intact."""


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    existed = target.exists()
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if existed:
            try:
                os.chmod(tmp_name, target.stat().st_mode & 0o777)
            except OSError:
                pass
        else:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
        tmp_name = None
        _fsync_dir(folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        kept = "the previous file is intact" if existed else "nothing was written"
        raise WriteError(f"could not write {target}: {reason}; {kept}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return target


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes(path, text.encode(encoding))


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
