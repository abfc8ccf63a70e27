"""The GUI's command-line options, in one Qt-free place: the GUI parses them, and the CLI's
top-level ``--help`` lists them (``inference-explorer --help`` shows everything)."""

from __future__ import annotations

import argparse

from explorer.core.state.view_rules import THEMES

SCENARIO_HELP = "a saved scenario (JSON): the GUI opens it; CLI commands start from it (other flags override it)"


def window_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got '{text}'") from None
    if not (200 <= w <= 20000 and 200 <= h <= 20000):
        raise argparse.ArgumentTypeError(f"window size {w}x{h} is out of range (200…20000 px)")
    return w, h


def add_gui_options(p: argparse.ArgumentParser) -> None:
    """The options the GUI takes (``inference-explorer [OPTIONS]`` with no command)."""
    p.add_argument("--scenario", "--scenario-file", dest="scenario_file", metavar="FILE", help=SCENARIO_HELP)
    p.add_argument("--self-test", action="store_true",
                   help="build the window offscreen, render every view, export a PNG, exit 0 on success")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the window after start-up and exit")
    p.add_argument("--size", type=window_size, default=None, metavar="WxH", help="initial window size, e.g. 1280x720")
    p.add_argument("--safe-mode", action="store_true",
                   help="start with default settings and no saved or autosaved session; remember nothing")
    p.add_argument("--export-tour", nargs="?", const="", default=None, metavar="TOUR",
                   help="render every step of a tour (default: the essay tour) to numbered PNGs and a PDF, "
                        "headless, then exit; needs --out")
    p.add_argument("--out", metavar="DIR", help="folder for --export-tour")
    p.add_argument("--theme", choices=(*THEMES, "projector"), default="presenter",
                   help="theme for --export-tour (projector = presenter; default presenter)")


def gui_help() -> str:
    """The GUI's options as --help prints them, for the CLI's epilog."""
    p = argparse.ArgumentParser(prog="inference-explorer", add_help=False, usage=argparse.SUPPRESS)
    add_gui_options(p)
    body = p.format_help().split("\n", 1)[-1].strip("\n")
    return ("without a command, the desktop app starts; its options:\n" + body.replace("options:\n", "")
            if body.startswith("options:") else "without a command, the desktop app starts; its options:\n" + body)


def version_text() -> str:
    from . import APP_NAME
    from . import __version__
    return f"inference-explorer {__version__} ({APP_NAME})"
