"""What the command line writes to a terminal, and how it ends.

- Output passes through :class:`SafeStream`: control characters from a file's text are escaped
  (``core.text.printable``), and a character the terminal's encoding cannot show ("×" under
  ``PYTHONIOENCODING=ascii``, a lone surrogate) is shown as an escape instead of crashing.
- :func:`guarded` runs a command: Ctrl+C exits 130 with one line; a closed, full or broken stdout
  ends with one line on stderr (or silently for a closed pipe such as ``| head``), never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from .core.text.printable import escape_controls, one_line

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_FAILED = 1


class SafeStream:
    """A text stream that escapes control characters and never fails on encoding."""

    def __init__(self, raw):
        self._raw = raw
        reconfigure = getattr(raw, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass

    def write(self, text: str) -> int:
        return self._raw.write(escape_controls(text))

    def __getattr__(self, name):
        return getattr(self._raw, name)


def _quiet_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's last flush has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def guarded(command: Callable[[], int], prog: str = "inference-explorer") -> int:
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None:
        sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = SafeStream(sys.stderr)
    try:
        code = command()
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        _say(f"{prog}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `inference-explorer list models | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except OSError as exc:  # no file named: stdout itself (a full disk behind `>`, a closed descriptor)
        if exc.filename is None:
            _quiet_stdout()
            _say(f"{prog}: error: could not write the output: {exc.strerror or exc}")
        else:
            _say(f"{prog}: error: {one_line(str(exc.filename))}: {exc.strerror or exc}")
        return EXIT_FAILED
    finally:
        sys.stdout, sys.stderr = saved


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass
