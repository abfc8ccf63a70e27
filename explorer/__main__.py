"""``python -m explorer`` / ``inference-explorer``: a CLI subcommand runs headless (no Qt);
anything else (no arguments, or GUI options such as ``--self-test``) opens the GUI."""

from __future__ import annotations

import sys

CLI_WORDS = ("-h", "--help", "--version")  # and every word that is not an option (a command)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from .folders import resolve

    resolve()  # an unusable HOME: one private folder for settings, autosave and log, said once
    if args and (args[0] in CLI_WORDS or not args[0].startswith("-")):
        from .cli import main as cli_main

        return cli_main(args)
    from .app.application import run  # Qt is imported only on this path

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
