"""A clean environment for starting the app as a user would: no venv on PATH, no display, no Qt
overrides, HOME (and the XDG / Windows profile folders) in a temporary folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_DROP = {"DISPLAY", "WAYLAND_DISPLAY", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
         "PYQTGRAPH_QT_LIB", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "XAUTHORITY"}


def _is_venv_bin(entry: str) -> bool:
    p = Path(entry)
    return (p.parent / "pyvenv.cfg").is_file() or Path(sys.prefix) in (p, p.parent)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in _DROP and not k.startswith(("QT_", "PYTEST", "EXPLORER_", "COV_"))}
    env["PATH"] = os.pathsep.join(e for e in env.get("PATH", "").split(os.pathsep) if e and not _is_venv_bin(e))
    home.mkdir(parents=True, exist_ok=True)
    for key in ("HOME", "USERPROFILE"):
        env[key] = str(home)
    for key, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"), ("XDG_DATA_HOME", ".local/share"),
                     ("APPDATA", "AppData/Roaming"), ("LOCALAPPDATA", "AppData/Local")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[key] = str(home / sub)
    env.setdefault("LANG", "C.UTF-8")
    env.update(extra)
    return env


def problems(output: str) -> list[str]:
    """Lines that mean a broken build even when the exit code says otherwise."""
    bad = ("Traceback", "ModuleNotFoundError", "ImportError", "SELF-TEST FAILED", "Could not load the Qt platform")
    return [line for line in output.splitlines() if any(b in line for b in bad)]
