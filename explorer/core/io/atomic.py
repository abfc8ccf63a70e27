"""Every file the app writes goes through :func:`write_bytes` / :func:`write_text`.

What it does depends on what the target *is*, never replacing something that is not a file:

- a regular file (or none yet): the data goes to a temporary file in the same folder, flushed and
  fsync'ed, then renamed over the target (``os.replace`` is atomic on POSIX and Windows); a failure
  or a kill never leaves a truncated file where a good one was;
- a symbolic link: followed; the file it points to is replaced atomically as above, and the link
  stays a link (a ``settings.json`` kept in a dotfiles folder keeps receiving changes);
- a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe): written directly,
  in place; a FIFO nobody reads is refused instead of blocking;
- a folder, a socket, a block device, or a read-only file: refused, untouched.

Every refusal or failure is one :class:`WriteError` line naming the file and saying whether the
previous file is intact. Temporary files carry the writer's process ID, so the ones a killed
writer left behind can be told from a live writer's and removed (:func:`clean_stale`).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from pathlib import Path


class WriteError(OSError):
    """A write that failed or was refused; the message names the file and says what was kept."""


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:  # a lone surrogate from a file, a character ascii cannot hold
        bad = exc.object[exc.start:exc.end]
        raise WriteError(f"could not write {_shown(path)}: the text holds {ascii(bad)} at character {exc.start}, "
                         f"which {encoding} cannot store; {_kept(path)}") from None
    return write_bytes(path, data)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    given = Path(path)
    try:
        target = Path(os.path.realpath(given)) if os.path.islink(given) else given
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"could not write {_shown(given)}: {exc.strerror or exc}; nothing was written") from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _write_in_place(given, target, data, fifo=stat.S_ISFIFO(info.st_mode))
        return given
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a socket or block device)"
        raise WriteError(f"could not write {_shown(given)}: it is {what}; it was left as it is")
    if info is not None and (not info.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise WriteError(f"could not write {_shown(given)}: the file is read-only; the previous file is intact")
    _replace_atomically(given, target, data, existed=info is not None)
    return given


def _replace_atomically(given: Path, target: Path, data: bytes, existed: bool) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = 0o644
        if existed:
            try:
                mode = target.stat().st_mode & 0o777
            except OSError:
                pass
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
        _fsync_dir(folder)
    except OSError as exc:
        kept = "the previous file is intact" if existed else "nothing was written"
        raise WriteError(f"could not write {_shown(given)}: {_reason(exc)}; {kept}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _write_in_place(given: Path, target: Path, data: bytes, fifo: bool) -> None:
    """A device or a pipe: no temporary file, no rename; a FIFO with no reader is refused."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (getattr(os, "O_NONBLOCK", 0) if fifo else 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise WriteError(f"could not write {_shown(given)}: it is a pipe (FIFO) and nothing is reading it; "
                             "nothing was written") from None
        raise WriteError(f"could not write {_shown(given)}: {_reason(exc)}; nothing was written") from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise WriteError(f"could not write {_shown(given)}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def clean_stale(folder: str | os.PathLike, min_age_s: float = 60.0) -> list[Path]:
    """Remove temporary files a killed writer left in ``folder`` (``.NAME.PID.XXXX.tmp`` whose PID
    is no longer running, or older than a day); returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).glob(".*.tmp"))
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        parts = p.name.rsplit(".", 3)  # ['.NAME', 'PID', 'XXXX', 'tmp']
        pid = int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else None
        try:
            age = now - p.lstat().st_mtime
            if not p.is_file() or p.is_symlink() or age < min_age_s:
                continue
            if pid is not None and _alive(pid) and age < 86400:
                continue
            p.unlink()
            removed.append(p)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid <= 0 or pid > 2**31:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    except OSError:
        return False
    return True


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "File name too long"
    return exc.strerror or str(exc)


def _shown(path: str | os.PathLike) -> str:
    """The path in a message: long ones are shortened in the middle, so the reason stays visible."""
    raw = os.fspath(path)
    raw = raw if isinstance(raw, str) else raw.decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in raw)
    return text if len(text) <= 160 else text[:70] + "…" + text[-70:]


def _kept(path: str | os.PathLike) -> str:
    return "the previous file is intact" if os.path.lexists(path) else "nothing was written"


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
