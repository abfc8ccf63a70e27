"""One startup path for the GUI: environment checks, QApplication, logging, excepthook,
settings, the main window. ``run(args)`` is called by ``explorer.__main__``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from .. import APP_NAME

log = logging.getLogger("explorer")
_T0 = time.perf_counter()


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got '{text}'") from None
    if not (200 <= w <= 20000 and 200 <= h <= 20000):
        raise argparse.ArgumentTypeError(f"window size {w}x{h} is out of range (200…20000 px)")
    return w, h


def _parse(args: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="inference-explorer", description=f"{APP_NAME} (GUI)")
    p.add_argument("--self-test", action="store_true",
                   help="build the window offscreen, render every view, export a PNG, exit 0 on success")
    p.add_argument("--scenario-file", metavar="FILE", help="open this scenario (JSON)")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the window after start-up and exit")
    p.add_argument("--size", type=_size, default=None, metavar="WxH", help="initial window size, e.g. 1280x720")
    return p.parse_args(args)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # macOS / Windows always have a window server for a desktop session


def run(args: list[str]) -> int:
    opts = _parse(args)
    if opts.self_test and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not has_display():
        print("inference-explorer: no display found (DISPLAY and WAYLAND_DISPLAY are unset). "
              "Run it in a desktop session, under `xvfb-run`, or use the command line: "
              "inference-explorer estimate --help", file=sys.stderr)
        return 2
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication  # noqa: E402  (after the platform is chosen)

    from ..core.scenario import Scenario, default_scenario
    from .main_window import MainWindow
    from .settings import Settings

    _setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("inference-explorer")
    from ..resources import ResourceError, app_icon

    try:
        app.setWindowIcon(app_icon())
    except ResourceError as exc:  # a broken install still starts; --self-test reports it
        log.warning("%s", exc)
    from .theme import apply_theme

    apply_theme(app)
    scenario = default_scenario()
    if opts.scenario_file:
        try:
            scenario = Scenario.from_file(opts.scenario_file)
        except ValueError as exc:  # FileRefused / ScenarioError: one line naming file, field, problem
            print(f"inference-explorer: error: {exc}", file=sys.stderr)
            return 2
    settings = Settings.default()
    window = MainWindow(scenario, settings=settings)
    install_excepthook(window)
    if opts.size:
        window.resize(*opts.size)
    if opts.self_test:
        from .self_test import self_test

        return self_test(app, window)
    window.show()
    log.info("Init finished in %.2f s", time.perf_counter() - _T0)
    if opts.screenshot:
        from PySide6.QtCore import QTimer

        def shoot() -> None:
            window.grab().save(opts.screenshot)
            app.quit()

        QTimer.singleShot(400, shoot)
    return app.exec()


# Qt messages that say nothing to a user (the offscreen platform prints this for every dock).
QT_NOISE = ("This plugin does not support propagateSizeHints",)


def _qt_message(mode, _context, message: str) -> None:
    if any(message.startswith(n) for n in QT_NOISE):
        return
    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    log.log(level, "Qt: %s", message)


def _setup_logging() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(_qt_message)
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def install_excepthook(window) -> None:
    """Unexpected errors are logged and shown in one message box at a time; the app goes on."""
    showing = {"box": False}

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error:\n%s", text)
        if showing["box"]:
            return
        showing["box"] = True
        try:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(window, APP_NAME, f"Something went wrong:\n\n{exc}\n\n"
                                 "Your scenario is unchanged. Details are in the log.")
        finally:
            showing["box"] = False

    sys.excepthook = hook
