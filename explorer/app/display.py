"""Will Qt find a display? Asked before Qt is imported, because Qt aborts the process (exit 134,
a core dump) when the X server named by DISPLAY does not answer, when QT_QPA_PLATFORM names a
plugin that does not exist, or when the Wayland socket is dead. This module only looks at the
environment, the plugin folder and the sockets; it never starts Qt.

For X it does the real connection setup (X11 protocol, chapter 8): it sends the 12-byte setup
request with the MIT-MAGIC-COOKIE-1 from $XAUTHORITY (or ~/.Xauthority) for that display, and
waits at most :data:`CONNECT_TIMEOUT` seconds for the server's answer. A socket that accepts and
never answers, or answers with something that is not X, is reported, not handed to Qt.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import time
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


def _xauth_cookie(number: str, env: Mapping[str, str]) -> tuple[bytes, bytes]:
    """(name, data) of the Xauthority entry for display ``number`` (b"", b"" when none)."""
    path = env.get("XAUTHORITY") or (str(Path(env["HOME"]) / ".Xauthority") if env.get("HOME") else "")
    try:
        blob = Path(path).read_bytes()[:1 << 20] if path else b""
    except OSError:
        return b"", b""
    fallback = (b"", b"")
    i = 0
    try:
        while i + 2 <= len(blob):
            i += 2  # family
            fields = []
            for _ in range(4):  # address, display number, auth name, auth data
                (n,) = struct.unpack_from(">H", blob, i)
                fields.append(blob[i + 2:i + 2 + n])
                i += 2 + n
            _address, num, name, data = fields
            if name == b"MIT-MAGIC-COOKIE-1" and num.decode("ascii", "replace") == number:
                return name, data
            if not fallback[0] and not num:
                fallback = (name, data)
    except struct.error:
        pass
    return fallback


def _setup_request(name: bytes, data: bytes) -> bytes:
    def pad(b: bytes) -> bytes:
        return b + b"\0" * (-len(b) % 4)
    return struct.pack("<cxHHHHxx", b"l", 11, 0, len(name), len(data)) + pad(name) + pad(data)


def x_handshake(address, family: int, number: str, env: Mapping[str, str] | None = None) -> str | None:
    """None when an X server completes the connection setup; else one phrase saying what happened."""
    env = os.environ if env is None else env
    deadline = time.monotonic() + CONNECT_TIMEOUT
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.settimeout(CONNECT_TIMEOUT)
        try:
            s.connect(address)
        except OSError:
            return "does not answer"
        s.sendall(_setup_request(*_xauth_cookie(number, env)))
        reply = b""
        while len(reply) < 8:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = s.recv(8 - len(reply))
            if not chunk:
                return "closed the connection without an X reply"
            reply += chunk
    except socket.timeout:
        return f"accepts connections but sent no X reply within {CONNECT_TIMEOUT:g} s"
    except OSError as exc:
        return f"failed during the X handshake ({exc.strerror or exc})"
    finally:
        s.close()
    status, major = reply[0], struct.unpack_from("<H", reply, 2)[0]
    if status not in (0, 1, 2) or major != 11:
        return "answered, but not as an X server"
    if status == 1:
        return None
    if status == 0:
        return "refused the connection (X authorization failed)"
    return "asks for an authentication this app cannot give"


def _x_address(display: str):
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return None
    if host in ("", "unix") or host.startswith("/"):
        path = f"{host}:{number}" if host.startswith("/") else f"/tmp/.X11-unix/X{number}"
        addresses = [path] if host.startswith("/") else ["\0" + path, path]  # abstract socket first (Linux)
        return number, [(a, socket.AF_UNIX) for a in addresses if hasattr(socket, "AF_UNIX")]
    return number, [((host, 6000 + int(number)), socket.AF_INET)]


def x_problem(display: str, env: Mapping[str, str] | None = None) -> str | None:
    """None when the X display completes a real handshake; else why not, in a phrase."""
    where = _x_address(display)
    if where is None:
        return "is not a valid X display name"
    number, addresses = where
    problems = []
    for address, family in addresses:
        problem = x_handshake(address, family, number, env)
        if problem is None:
            return None
        problems.append(problem)
    answered = [p for p in problems if p != "does not answer"]
    return answered[0] if answered else "does not answer"


def x_server_answers(display: str, env: Mapping[str, str] | None = None) -> bool:
    return x_problem(display, env) is None


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
        problem = x_problem(display, env)
        if problem:
            return f"the X display DISPLAY={display} {problem}"
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


def environment_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Qt settings in the environment that crash Qt (QT_SCALE_FACTOR=0 divides by zero)."""
    env = os.environ if env is None else env
    raw = env.get("QT_SCALE_FACTOR", "")
    if raw.strip():
        try:
            factor = float(raw)
        except ValueError:
            factor = float("nan")
        if not 0.1 <= factor <= 10:  # NaN fails too
            shown = raw if len(raw) <= 20 else raw[:19] + "…"
            return f"QT_SCALE_FACTOR must be a number from 0.1 to 10 (got {shown!r}); unset it or fix it"
    return None
