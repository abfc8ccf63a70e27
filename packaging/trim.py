"""Trim the bundle: drop Qt plugins and translations the app never uses, then the shared libraries
that only those dropped files needed. Used by InferenceExplorer.spec on the TOC lists of Analysis.

Entries are PyInstaller 6 TOC tuples ``(dest_name, src_name, typecode)``. Paths look like
``PySide6/Qt/plugins/<type>/<file>`` (Linux, macOS) or ``PySide6/plugins/<type>/<file>`` (Windows).
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import PurePosixPath

# Plugin types dropped whole: embedded-Linux input/EGL, network, SQL, QML, print, Designer.
DROP_PLUGIN_TYPES = {
    "egldeviceintegrations", "generic", "networkinformation", "tls", "sqldrivers", "qmltooling", "qmllint",
    "designer", "printsupport", "position", "multimedia", "wayland-graphics-integration-server",
    "virtualkeyboard", "canbus", "sensors", "geoservices", "texttospeech", "webview", "scenegraph",
}
# Within the plugin types we keep, the files we keep (glob on the file name, any OS's spelling).
KEEP_PLUGINS = {
    # offscreen for --self-test and CI; xcb / wayland on Linux desktops; native on Windows and macOS
    "platforms": ["*qoffscreen*", "*qxcb*", "*qwayland*", "*qwindows*", "*qcocoa*", "*qdirect2d*"],
    # PNG is built into QtGui; SVG for the icon source, ICO/ICNS for the platform icons
    "imageformats": ["*qsvg*", "*qico*", "*qicns*"],
    # portal file dialogs on Linux; gtk3 would drag GTK, cairo and pango into the bundle
    "platformthemes": ["*qxdgdesktopportal*"],
    "wayland-shell-integration": ["*xdg-shell*", "*wl-shell*"],
    "wayland-graphics-integration-client": ["*wayland-egl*"],
}
# Qt's translations: the app's text is English only.
DROP_DEST_GLOBS = ["*/translations/*"]

_LIB_SUFFIXES = (".so", ".dll", ".dylib", ".pyd")


def _plugin_parts(dest: str) -> tuple[str, str] | None:
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "plugins" in parts:
        i = parts.index("plugins")
        if parts[0] == "PySide6" and len(parts) >= i + 3:
            return parts[i + 1], parts[-1]
    return None


def keep_file(dest: str) -> bool:
    """False for a plugin or translation the app never needs."""
    norm = dest.replace("\\", "/")
    if any(fnmatch.fnmatch(norm, g) for g in DROP_DEST_GLOBS) and norm.startswith("PySide6/"):
        return False
    plug = _plugin_parts(norm)
    if plug is None:
        return True
    kind, name = plug
    if kind in DROP_PLUGIN_TYPES:
        return False
    globs = KEEP_PLUGINS.get(kind)
    return globs is None or any(fnmatch.fnmatch(name.lower(), g) for g in globs)


def _key(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name.lower()


def _prunable(dest: str) -> bool:
    """Shared libraries collected only as dependencies: the bundle's top level and Qt's own libraries."""
    norm = dest.replace("\\", "/")
    base = _key(norm)
    if base.startswith(("libpython", "python3")):
        return False  # loaded by the bootloader, not linked by anything
    if "/" not in norm:
        return True
    if norm.startswith(("PySide6/Qt/lib/", "PySide6/lib/")):
        return True
    return norm.startswith("PySide6/") and norm.count("/") == 1 and base.startswith("qt6") and base.endswith(".dll")


def _imports(src: str) -> set[str]:
    from PyInstaller.depend import bindepend

    try:
        return {_key(name) for name, _path in bindepend.get_imports(src)}
    except Exception:  # noqa: BLE001 — unreadable file: assume it needs nothing we could drop
        return set()


def _closure(entries, by_key) -> set[str]:
    seen: set[str] = set()
    todo = [src for _d, src, t in entries if t != "SYMLINK"]
    while todo:
        src = todo.pop()
        if src is None:
            continue
        for k in _imports(src):
            if k not in seen:
                seen.add(k)
                if k in by_key:
                    todo.append(by_key[k])
    return seen


def trim(binaries: list, datas: list, log=print) -> tuple[list, list]:
    kept = [e for e in binaries if keep_file(e[0])]
    dropped = [e for e in binaries if not keep_file(e[0])]
    # A library goes only if a dropped file needed it and nothing we keep does (dlopen-ed libraries
    # such as libpython, and anything collected for another reason, stay).
    by_key = {_key(d): s for d, s, t in binaries if t != "SYMLINK"}  # a SYMLINK's src is its target
    roots = [e for e in kept if e[2] != "SYMLINK" and not _prunable(e[0])]
    needed = _closure(roots, by_key)
    needed_by_dropped = _closure(dropped, by_key)
    orphans = [e for e in kept if _prunable(e[0]) and _key(e[0]) in needed_by_dropped and _key(e[0]) not in needed]
    gone_keys = {_key(d) for d, _s, _t in orphans}
    kept = [e for e in kept if e not in orphans and not (e[2] == "SYMLINK" and _key(e[0]) in gone_keys)]
    datas = [e for e in datas if not (e[2] == "SYMLINK" and _key(e[0]) in gone_keys)]
    new_datas = [e for e in datas if keep_file(e[0])]
    if sys.platform == "darwin":  # a dropped Qt framework's Resources/ and symlinks go with it
        gone = {_key(d) + ".framework" for d, _s, _t in orphans}

        def in_gone(entry) -> bool:
            return any(p.lower() in gone for p in PurePosixPath(entry[0]).parts)

        new_datas = [e for e in new_datas if not in_gone(e)]
        kept = [e for e in kept if not in_gone(e)]
    n_datas = len(datas)
    log(f"trim: dropped {len(dropped)} Qt plugins, {len(orphans)} libraries only they needed "
        f"({', '.join(sorted(_key(d) for d, _s, _t in orphans)) or 'none'}), "
        f"{n_datas - len(new_datas)} data files (translations)")
    return kept, new_datas
