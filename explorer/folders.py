"""Where settings, the autosave, the log and the this-machine measurement live when HOME cannot
be used (unset, empty, not a folder): ONE resolved folder for all of them, never ``/.config``,
and HOME itself is never created.

:func:`resolve` runs first thing in ``explorer.__main__``. With a usable HOME (or every XDG
folder given) nothing changes. Otherwise it points ``XDG_CONFIG_HOME``, ``XDG_DATA_HOME``,
``XDG_STATE_HOME`` and ``XDG_CACHE_HOME`` (read by Qt's QStandardPaths and by platformdirs) into
a private folder, ``$TMPDIR/inference-explorer-<uid>`` (mode 700, owned by this user), and says
so. When that is not writable either, :data:`state` says that nothing can be remembered and the
GUI runs as with ``--safe-mode``.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping

XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


@dataclass
class Resolved:
    folder: Path | None = None  # the one folder used instead of HOME (None: HOME is fine, or nothing works)
    notice: str = ""  # one line for the user ("" when HOME is fine)
    writable: bool = True  # False: nothing can be remembered this run


state = Resolved()


def home_problem(env: MutableMapping[str, str]) -> str | None:
    home = env.get("HOME")
    if home is None:
        return "HOME is not set"
    if not home.strip():
        return "HOME is empty"
    if not os.path.isabs(home) or not os.path.isdir(home):
        return f"HOME={home[:80]} is not a folder"
    return None


def _private_folder(base: Path) -> Path | None:
    """``base/inference-explorer-<uid>``: created 700, or reused only when it is ours and private."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = base / f"inference-explorer-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != uid) \
                or info.st_mode & 0o022:
            return None  # someone else's, or open to others: not used for settings
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    return folder


def resolve(env: MutableMapping[str, str] | None = None, base: Path | None = None) -> Resolved:
    """Fix the environment when HOME is unusable (POSIX); returns (and remembers) what was done."""
    global state
    env = os.environ if env is None else env
    problem = home_problem(env) if os.name == "posix" else None
    if problem is None or all(os.path.isabs(env.get(k, "")) for k in XDG):
        state = Resolved()
        return state
    folder = _private_folder(Path(base or tempfile.gettempdir()))
    if folder is None:
        state = Resolved(None, f"{problem} and no private folder could be made in {base or tempfile.gettempdir()}: "
                               "settings, autosave and the log cannot be kept this run", False)
        return state
    for key, sub in zip(XDG, ("config", "data", "state", "cache")):
        if not os.path.isabs(env.get(key, "")):
            env[key] = str(folder / sub)
    state = Resolved(folder, f"{problem}: settings, autosave and the log are kept in {folder}")
    return state


def say(prefix: str = "inference-explorer: note: ") -> None:
    if state.notice:
        print(prefix + state.notice, file=sys.stderr)
