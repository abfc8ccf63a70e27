"""The ONE place that finds files in ``resources/`` (icons, example scenarios).

Three layouts, tried in this order:

* frozen (PyInstaller): ``sys._MEIPASS/resources`` — the spec copies ``resources/`` there;
* source tree / editable install: ``<repo>/resources`` beside the ``explorer`` package;
* installed wheel: ``<prefix>/share/inference-explorer/resources`` (``data-files`` in pyproject.toml).

Path look-ups are Qt-free; only ``app_icon()`` touches Qt, and imports it when called.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from . import APP_ID

ICON_NAME = "inference-explorer"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


class ResourceError(FileNotFoundError):
    """A resource file (or the resources folder itself) cannot be found."""


def _candidates() -> list[Path]:
    out: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        out.append(Path(frozen) / "resources")
    out.append(Path(__file__).resolve().parent.parent / "resources")
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        out.append(Path(prefix) / "share" / APP_ID / "resources")
    return out


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The folder that holds ``icons/``; raises ``ResourceError`` naming every place tried."""
    tried = _candidates()
    for path in tried:
        if (path / "icons").is_dir():
            return path
    raise ResourceError("resources folder not found; looked in: " + ", ".join(str(p) for p in tried))


def path(*parts: str) -> Path:
    """``path("icons", "x.png")`` → an existing file under the resources folder."""
    p = resources_dir().joinpath(*parts)
    if not p.exists():
        raise ResourceError(f"missing resource: {p}")
    return p


def icon_files() -> list[Path]:
    """Every icon image shipped (SVG source and the generated PNGs), sorted by name."""
    folder = resources_dir() / "icons"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".svg", ".png"))


def scenario_files() -> list[Path]:
    """The example scenarios (JSON) shipped in ``resources/scenarios``, sorted by name."""
    folder = resources_dir() / "scenarios"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def icon_png(size: int) -> Path:
    return path("icons", f"{ICON_NAME}-{size}.png")


def app_icon():
    """The application icon as a ``QIcon`` with every generated size (needs a QGuiApplication)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        try:
            icon.addFile(str(icon_png(size)))
        except ResourceError:
            continue
    if icon.isNull():  # no PNGs: fall back to the SVG source (needs Qt's SVG image plugin)
        icon.addFile(str(path("icons", f"{ICON_NAME}.svg")))
    return icon


def tour_files() -> list[Path]:
    """The guided tours (TOML) shipped in ``resources/tours``, sorted by name."""
    folder = resources_dir() / "tours"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def essay_tour() -> Path:
    """The default tour: the seed essay's argument, step by step."""
    return path("tours", "essay.toml")
