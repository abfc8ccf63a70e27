"""The serving model in words, one place for the GUI and the CLI: a load ("1 client", "14 clients",
"5.5 requests/s") and the limit that binds ("KV-cache capacity", "running-request limit", …)."""

from __future__ import annotations

import math

from explorer.core.physics.units import UNBOUNDED, sig


def rate_figure(x: float) -> str:
    """A rate at three significant figures, trailing zeros dropped, thousands separated and never
    an exponent: 11.46 -> "11.5", 5.5 -> "5.5", 1500 -> "1,500", 0.25 -> "0.25" (units.sig's
    rounding, "unbounded" and "—" included)."""
    text = sig(x, 3)
    return text.rstrip("0").rstrip(".") if "." in text else text


def load_words(kind: str, load: float) -> str:
    """Clients are whole and counted ("1 client", "1,200 clients"); a rate keeps three significant
    figures (a slider position between two rates must read differently)."""
    if not math.isfinite(load):
        return UNBOUNDED if load > 0 else "—"
    if kind == "concurrency":
        n = int(round(load))
        return "1 client" if n == 1 else f"{n:,} clients"
    return f"{rate_figure(load)} requests/s"


LIMIT_WORDS = {"kv_capacity": "KV-cache capacity", "running_limit": "running-request limit",
               "compute": "compute", "bandwidth": "memory bandwidth"}


def limit_words(limit: str) -> str:
    """The binding limit's name as a sentence says it (an unknown key as it is)."""
    return LIMIT_WORDS.get(limit, limit)
