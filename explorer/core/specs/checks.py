"""The checks every field of a spec or scenario goes through: the right type, finite, and inside a
range that makes physical sense. Each returns one phrase naming the field and the problem (or
None), so ModelSpec, HardwareSpec and Scenario validation all read the same, whether the value
came from a control, a command-line flag or a file written by a stranger.
"""

from __future__ import annotations

import math
from typing import Any

TEXT_MAX = 200  # names, IDs, format keys
NOTE_MAX = 4000  # sources and other notes


def show(v: Any) -> str:
    """A value as a person would recognise it in a message (never thousands of characters)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        digits = len(str(abs(v))) if abs(v) < 10**4000 else 4000
        return str(v) if digits <= 16 else f"a {digits}-digit number"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else str(v)
    if isinstance(v, str):
        return repr(v) if len(v) <= 40 else repr(v[:37] + "…")
    if v is None:
        return "nothing"
    return f"a {type(v).__name__}"


def _limit(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) or float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def number(name: str, v: Any, lo: float, hi: float, *, integer: bool = False, above: bool = False,
           zero_ok: bool = False) -> str | None:
    """``lo ≤ v ≤ hi`` (``lo < v`` when ``above``); ``zero_ok`` also lets 0 through (0 = 'not given')."""
    kind = "a whole number" if integer else "a number"
    if not is_number(v):
        return f"{name} must be {kind} (got {show(v)})"
    if isinstance(v, float) and not math.isfinite(v):
        return f"{name} must be a finite number (got {show(v)})"
    if integer and not isinstance(v, int):
        return f"{name} must be a whole number (got {show(v)})"
    if zero_ok and v == 0:
        return None
    low_ok = v > lo if above else v >= lo
    if not (low_ok and v <= hi):
        lower = f"above {_limit(lo)}" if above else f"at least {_limit(lo)}"
        zero = " (or 0)" if zero_ok else ""
        return f"{name} must be {lower}{zero} and at most {_limit(hi)} (got {show(v)})"
    return None


def flag(name: str, v: Any) -> str | None:
    return None if isinstance(v, bool) else f"{name} must be true or false (got {show(v)})"


def text(name: str, v: Any, max_len: int = TEXT_MAX) -> str | None:
    if not isinstance(v, str):
        return f"{name} must be text (got {show(v)})"
    if len(v) > max_len:
        return f"{name} is too long ({len(v):,} characters; at most {max_len:,})"
    return None


def choice(name: str, v: Any, allowed: tuple[str, ...]) -> str | None:
    if isinstance(v, str) and v in allowed:
        return None
    return f"{name} must be one of {', '.join(allowed)} (got {show(v)})"


def collect(*problems: str | None) -> list[str]:
    return [p for p in problems if p]


def refuse(name: Any, fallback: str, problems: list[str], error: type[Exception]) -> None:
    """Raise ``error`` with every problem in one line, led by the spec's name when it is a short
    printable one (a hostile or empty name would garble the message), else by ``fallback``."""
    if problems:
        who = name if isinstance(name, str) and name.isprintable() and 0 < len(name) <= 80 else fallback
        raise error(f"{who}: " + "; ".join(problems))
