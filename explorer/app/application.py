"""One startup path for the GUI: display checks, QApplication, logging (errors.py), the
excepthook, settings, the main window. ``run(args)`` is called by ``explorer.__main__``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from .. import APP_NAME

log = logging.getLogger("explorer")
IMPORTED_AT = time.perf_counter()  # when explorer.app was imported: start-up is timed from here


class OptionError(Exception):
    """A bad GUI option: one line, exit 2 (argparse would print its usage too)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line naming the option, not six lines of usage
        raise OptionError(message)


def _parse(args: list[str]) -> argparse.Namespace:
    from ..gui_options import add_gui_options, version_text

    p = _Parser(prog="inference-explorer", description=f"{APP_NAME} (GUI)")
    add_gui_options(p)
    p.add_argument("--version", action="version", version=version_text())
    opts = p.parse_args(args)
    if opts.export_tour is not None and not opts.out:
        p.error("--export-tour needs --out DIR")
    return opts


def run(args: list[str]) -> int:
    """Start the GUI (or a headless GUI mode); every failure before or after is one line on stderr,
    with file text escaped, and a non-zero exit."""
    from ..core.text.printable import one_line
    from ..terminal import SafeStream

    sys.stdout = SafeStream(sys.stdout) if sys.stdout is not None else None
    sys.stderr = SafeStream(sys.stderr) if sys.stderr is not None else None
    try:
        return _run(args)
    except OptionError as exc:
        print(f"inference-explorer: error: {one_line(str(exc))} (see inference-explorer --help)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("inference-explorer: interrupted", file=sys.stderr)
        return 130


def _run(args: list[str]) -> int:
    opts = _parse(args)
    from .display import display_problem, environment_problem

    from .. import folders

    folders.say()
    unsafe = environment_problem()
    if unsafe:
        print(f"inference-explorer: error: {unsafe}", file=sys.stderr)
        return 2
    problem = display_problem()
    if problem and (opts.self_test or opts.export_tour is not None):  # these render offscreen instead
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        problem = None
    if problem:
        print(f"inference-explorer: {problem}. Run it in a desktop session, under `xvfb-run`, or use the "
              "command line: inference-explorer estimate --help", file=sys.stderr)
        return 2
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication  # noqa: E402  (after the platform is chosen)

    from PySide6.QtCore import qInstallMessageHandler

    from .errors import ErrorReporter, setup_logging

    setup_logging()
    qInstallMessageHandler(_qt_message)
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
    if opts.export_tour is not None:
        from .present.tour_export import export_tour

        return export_tour(app, opts.export_tour or None, opts.out, opts.size, opts.theme)
    window = start_window(opts)
    if window is None:
        return 2
    ErrorReporter(window).install()
    if opts.self_test:
        from .self_test import self_test

        return self_test(app, window)
    window.show()
    log.info("Init finished in %.2f s", time.perf_counter() - IMPORTED_AT)
    if opts.screenshot:
        from PySide6.QtCore import QTimer

        def shoot() -> None:
            from ..core.io.atomic import WriteError, write_bytes
            from ..core.text.printable import one_line
            from .images import png_bytes

            try:
                write_bytes(opts.screenshot, png_bytes(window.grab()))
            except (WriteError, OSError, ValueError) as exc:
                print(f"inference-explorer: error: {one_line(str(exc))}", file=sys.stderr)
                app.exit(1)
                return
            app.quit()

        QTimer.singleShot(400, shoot)
    code = app.exec()
    if opts.screenshot:
        window.store.mark_clean()  # a screenshot run changes nothing worth asking about
        window.close()
    return code


def start_window(opts: argparse.Namespace):
    """The main window as the user left it: last session and settings (none with --safe-mode),
    or the --scenario file; then the offer to restore an autosave a crash left behind."""
    from ..core.state.appstate import AppState, ViewState
    from ..core.state.scenario import default_scenario
    from . import autosave
    from .main_window import MainWindow
    from .settings import Settings

    from .. import folders

    if not folders.state.writable:  # no HOME and no private folder either: remember nothing
        opts.safe_mode = True
    settings = Settings.default(safe_mode=opts.safe_mode)
    state = AppState(default_scenario(), view=ViewState(theme=settings.data.theme, font_scale=settings.data.font_scale))
    notices = [n for n in (folders.state.notice, settings.notice) if n]
    if settings.data.last_session and not opts.scenario_file:
        try:
            state = AppState.from_dict(settings.data.last_session)
        except ValueError as exc:
            notices.append(f"The last session could not be reopened ({exc}); starting from the default scenario.")
    if opts.scenario_file:
        try:
            state = AppState.from_file(opts.scenario_file)
        except ValueError as exc:  # FileRefused / ScenarioError: one line naming file, field, problem
            print(f"inference-explorer: error: {exc}", file=sys.stderr)
            return None
    path, lock = (None, None) if opts.safe_mode else autosave.claim(autosave.default_path().parent)
    if not opts.safe_mode:
        clean_stale_files(settings.path, autosave.default_path())
    left_behind, notice = autosave.pending(path)  # this slot's file: its instance is gone
    notices += [notice] if notice else []
    window = MainWindow(state, settings=settings, autosave_path=path)
    window.session.autosaver.lock = lock
    if opts.size:
        window.resize(*opts.size)
    elif opts.self_test or not window.session.restore_window():
        window.fit_screen()
    if left_behind is not None and not opts.self_test and left_behind != window.store.state:
        window.session.offer_restore(left_behind)
    if notices:
        window.statusBar().showMessage(" ".join(notices), 20000)
    return window


def clean_stale_files(*paths) -> None:
    """Temporary files a killed save left beside the settings and the autosaves."""
    from ..core.io.atomic import clean_stale

    for folder in {p.parent for p in paths if p is not None}:
        for removed in clean_stale(folder):
            log.info("removed a temporary file a killed save left behind: %s", removed)


# Qt messages that say nothing to a user (the offscreen platform prints this for every dock).
QT_NOISE = ("This plugin does not support propagateSizeHints",)


def _qt_message(mode, _context, message: str) -> None:
    if any(message.startswith(n) for n in QT_NOISE):
        return
    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    log.log(level, "Qt: %s", message)
