"""``python -m explorer`` / ``inference-explorer``: the GUI with no arguments, else the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("--self-test") or args[0] in ("--scenario-file",):
        from .app.application import run  # Qt is imported only on this path

        return run(args)
    from .cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
