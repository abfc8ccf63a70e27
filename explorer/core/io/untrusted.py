"""Reading files that may come from a stranger: scenarios, models, hardware, tours, CSV.

Every loader goes through :func:`read_text` and :func:`parse` (or :func:`load`, both at once):

- the size is checked *before* reading (a link to ``/dev/zero`` or a 10 GB file is refused, not
  read until memory runs out), and anything that is not a regular file (a FIFO, a device) is
  refused without being opened for long;
- JSON and TOML are parsed as data only, never run; nesting deeper than :data:`MAX_DEPTH`, more
  than :data:`MAX_ITEMS` values (lists and tables together), numbers with
  thousands of digits and invalid UTF-8 are refused; TOML (parsed in pure Python, ~2.5 s a MB) is
  capped at :data:`MAX_TOML_BYTES`, so the worst file under the caps parses in well under a second;
- a lone surrogate (``"\\ud800"``, valid JSON but not Unicode) becomes U+FFFD, so the text can be
  shown and written again;
- every problem (I/O, parse, type, range) becomes one :class:`FileRefused` line naming the file,
  the field where known, and the problem.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, Callable, TypeVar

MAX_BYTES = 5 * 1024 * 1024  # far above any real scenario, model or tour (a few kB)
MAX_DEPTH = 32  # tables inside tables; real files use 3
MAX_TOML_BYTES = 256 * 1024  # a 200-step tour is ~100 kB
MAX_ITEMS = 200_000  # values in all lists and tables together; a scenario has ~60, a tour a few thousand

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
        raise FileRefused(f"{p.name} is {size_text(info.st_size)}; files over {size_text(max_bytes)} are refused")
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
        raise FileRefused(f"{p.name} is over {size_text(max_bytes)}; refused")
    return data


def size_text(n: int) -> str:
    """A byte count as people write limits: "5 MiB", "1 MB", "256 KiB", "1.2 MB" (never "0.953674 MB")."""
    if n >= 2**20 and n % 2**20 == 0:
        return f"{n // 2**20:,} MiB"
    if n >= 10**6:
        return f"{n // 10**6:,} MB" if n % 10**6 == 0 else f"{n / 1e6:,.1f} MB"
    if n >= 2**10 and n % 2**10 == 0:
        return f"{n // 2**10:,} KiB"
    return f"{n / 1e3:,.1f} kB" if n >= 1000 else f"{n} bytes"


def read_text(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> str:
    data = read_bytes(path, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"{Path(path).name} is not UTF-8 text (byte {exc.start})") from None


def kind_of(path: str | os.PathLike) -> str:
    return "toml" if str(path).lower().endswith(".toml") else "json"


def parse(text: str, kind: str = "json", name: str = "file") -> Any:
    """JSON or TOML text to plain data (dicts, lists, str, numbers, bools), depth- and size-checked."""
    if kind == "toml" and len(text) > MAX_TOML_BYTES:
        raise FileRefused(f"{name} is {size_text(len(text.encode('utf-8', 'replace')))}; TOML files over "
                          f"{size_text(MAX_TOML_BYTES)} are refused")
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRefused(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except tomllib.TOMLDecodeError as exc:
        raise FileRefused(f"{name} is not valid TOML ({exc})") from None
    except RecursionError:
        raise FileRefused(f"{name} is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # an integer with more digits than Python converts (4,300)
        if "digits" in str(exc):
            raise FileRefused(f"{name}: a number with more than 4,300 digits (at most 4,300)") from None
        raise FileRefused(f"{name}: {str(exc).splitlines()[0]}") from None
    return _checked(data, name)


def _checked(data: Any, name: str) -> Any:
    """Walk the data once, without recursion (the parsers allow ~1000 levels): depth and number of
    values capped; lone surrogates replaced. Returns the (possibly fixed) data."""
    if isinstance(data, str):
        return _fixed(data)
    stack, count = [(data, 1)], 0
    while stack:
        item, d = stack.pop()
        if d > MAX_DEPTH:
            raise FileRefused(f"{name} is nested too deeply (at most {MAX_DEPTH} levels)")
        if isinstance(item, dict):
            keys = list(item)
            if any(isinstance(k, str) and _SURROGATE.search(k) for k in keys):
                fixed = {_fixed(k): v for k, v in item.items()}
                item.clear()
                item.update(fixed)
            pairs: list[tuple[Any, Any]] = list(item.items())
        elif isinstance(item, list):
            pairs = list(enumerate(item))
        else:
            continue
        count += len(item)
        if count > MAX_ITEMS:
            raise FileRefused(f"{name}: more than {MAX_ITEMS:,} values; at most {MAX_ITEMS:,} are read")
        for k, v in pairs:
            if isinstance(v, str):
                item[k] = _fixed(v)
            elif isinstance(v, (dict, list)):
                stack.append((v, d + 1))
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _fixed(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


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
