"""Reading files that may come from a stranger: scenarios, models, hardware, tours, CSV.

Every loader goes through :func:`read_text` and :func:`parse` (or :func:`load`, both at once):

- the size is checked *before* reading (a link to ``/dev/zero`` or a 10 GB file is refused, not
  read until memory runs out), and anything that is not a regular file (a FIFO, a device) is
  refused without being opened for long;
- JSON and TOML are parsed as data only, never run; nesting deeper than :data:`MAX_DEPTH`, numbers
  with thousands of digits and invalid UTF-8 are refused;
- every problem (I/O, parse, type, range) becomes one :class:`FileRefused` line naming the file,
  the field where known, and the problem.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any, Callable, TypeVar

MAX_BYTES = 5 * 1024 * 1024  # far above any real scenario, model or tour (a few kB)
MAX_DEPTH = 32  # tables inside tables; real files use 3

T = TypeVar("T")


class FileRefused(ValueError):
    """A file that cannot be used; ``str()`` is one line naming the file and the problem."""


def read_bytes(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> bytes:
    p = Path(path)
    try:
        info = os.stat(p)  # follows links: a link to /dev/zero is judged as /dev/zero
    except OSError as exc:
        raise FileRefused(f"cannot read {p}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(f"cannot read {p}: it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"cannot read {p}: not a regular file (a device, pipe or socket)")
    if info.st_size > max_bytes:
        raise FileRefused(f"{p.name} is {info.st_size / 2**20:.1f} MB; files over {max_bytes / 2**20:g} MB are refused")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise FileRefused(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the two looks
            raise FileRefused(f"cannot read {p}: not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise FileRefused(f"cannot read {p}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while being read
        raise FileRefused(f"{p.name} is over {max_bytes / 2**20:g} MB; refused")
    return data


def read_text(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> str:
    data = read_bytes(path, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"{Path(path).name} is not UTF-8 text (byte {exc.start})") from None


def kind_of(path: str | os.PathLike) -> str:
    return "toml" if str(path).lower().endswith(".toml") else "json"


def parse(text: str, kind: str = "json", name: str = "file") -> Any:
    """JSON or TOML text to plain data (dicts, lists, str, numbers, bools), depth-checked."""
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRefused(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except tomllib.TOMLDecodeError as exc:
        raise FileRefused(f"{name} is not valid TOML ({exc})") from None
    except RecursionError:
        raise FileRefused(f"{name} is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python will convert
        raise FileRefused(f"{name}: {str(exc).splitlines()[0]}") from None
    if _depth(data) > MAX_DEPTH:
        raise FileRefused(f"{name} is nested too deeply (at most {MAX_DEPTH} levels)")
    return data


def _depth(data: Any) -> int:
    """Nesting depth of lists and dicts, without recursion (the parsers may allow ~1000 levels)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, d)
            if d > MAX_DEPTH:
                return d
            stack.extend((v, d + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def load(path: str | os.PathLike, build: Callable[[Any], T], kind: str | None = None,
         max_bytes: int = MAX_BYTES) -> T:
    """Read, parse and ``build`` the data of ``path``; any refusal is one FileRefused line that
    starts with the file's name (``build`` raises ValueError/TypeError naming the field)."""
    name = Path(path).name
    data = parse(read_text(path, max_bytes), kind or kind_of(path), name)
    try:
        return build(data)
    except FileRefused:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        raise FileRefused(f"{name}: {' '.join(text.split())[:1000]}") from None
