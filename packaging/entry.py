"""PyInstaller entry point: the same ``main`` as ``python -m explorer`` (GUI, or CLI with a subcommand)."""

import sys

from explorer.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
