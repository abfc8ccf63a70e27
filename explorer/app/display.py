"""Will Qt find a display? Asked before Qt is imported, because Qt aborts the process (exit 134,
a core dump) when the X server named by DISPLAY does not answer, when QT_QPA_PLATFORM names a
plugin that does not exist, or when the Wayland socket is dead. This module only looks at the
environment, the plugin folder and the sockets; it never starts Qt.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Mapping

# Platforms that need no window server (or whose server we cannot probe): taken as they are.
SERVERLESS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay", "cocoa", "windows",
              "direct2d", "ios", "android", "webgl"}
CONNECT_TIMEOUT = 2.0


def available_platforms() -> set[str] | None:
    """Platform plugin names shipped with the Qt binding (None when unknown: extra plugin paths)."""
    if os.environ.get("QT_PLUGIN_PATH") or os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        return None
    try:
        import PySide6  # the package only: no Qt library is loaded
    except ImportError:
        return None
    folder = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"
    if not folder.is_dir():
        folder = Path(PySide6.__file__).parent / "plugins" / "platforms"  # Windows wheels
    if not folder.is_dir():
        return None
    names = set()
    for f in folder.iterdir():
        stem = f.name.split(".")[0]
        stem = stem[3:] if stem.startswith("lib") else stem
        if stem.startswith("q"):
            names.add(stem[1:])
    return names or None


def _connects(address, family: int) -> bool:
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(CONNECT_TIMEOUT)
    try:
        s.connect(address)
        return True
    except OSError:
        return False
    finally:
        s.close()


def x_server_answers(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix") or host.startswith("/"):
        path = f"{host}:{number}" if host.startswith("/") else f"/tmp/.X11-unix/X{number}"
        addresses = [path] if host.startswith("/") else ["\0" + path, path]  # abstract socket first (Linux)
        return any(_connects(a, socket.AF_UNIX) for a in addresses if hasattr(socket, "AF_UNIX"))
    return _connects((host, 6000 + int(number)), socket.AF_INET)


def wayland_answers(env: Mapping[str, str]) -> bool:
    name = env.get("WAYLAND_DISPLAY") or "wayland-0"
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return hasattr(socket, "AF_UNIX") and _connects(str(path), socket.AF_UNIX)


def _platform_problem(name: str, env: Mapping[str, str], available: set[str] | None) -> str | None:
    if available is not None and name not in available:
        return f"QT_QPA_PLATFORM names '{name}', which this Qt does not have (it has {', '.join(sorted(available))})"
    if name == "xcb":
        display = env.get("DISPLAY", "")
        if not display:
            return "QT_QPA_PLATFORM is xcb but DISPLAY is unset"
        if not x_server_answers(display):
            return f"the X display DISPLAY={display} does not answer"
    if name.startswith("wayland") and not wayland_answers(env):
        return f"the Wayland display WAYLAND_DISPLAY={env.get('WAYLAND_DISPLAY', 'wayland-0')} does not answer"
    return None


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """One line saying why Qt could not open a window, or None when it can (as far as we can tell)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    requested = env.get("QT_QPA_PLATFORM", "")
    if requested:
        names = [part.split(":")[0].strip() for part in requested.split(";") if part.strip()]
        available = available_platforms()
        problems = [_platform_problem(n, env, available) for n in names]
        return None if not names or any(p is None for p in problems) else problems[0]
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # macOS / Windows always have a window server for a desktop session
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return "no display found (DISPLAY and WAYLAND_DISPLAY are unset)"
    candidates = (["wayland"] if env.get("WAYLAND_DISPLAY") else []) + (["xcb"] if env.get("DISPLAY") else [])
    problems = [_platform_problem(n, env, None) for n in candidates]
    return None if any(p is None for p in problems) else "; ".join(problems)
