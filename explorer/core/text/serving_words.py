"""The serving model in words, one place for the GUI and the CLI: a load ("1 client", "14 clients",
"5.5 requests/s") and the limit that binds ("KV-cache capacity", "running-request limit", …)."""

from __future__ import annotations


def load_words(kind: str, load: float) -> str:
    """Clients are whole and counted ("1 client", "1,200 clients"); a rate keeps three significant
    figures (a slider position between two rates must read differently)."""
    if kind == "concurrency":
        n = int(round(load))
        return "1 client" if n == 1 else f"{n:,} clients"
    return f"{load:.3g} requests/s"


LIMIT_WORDS = {"kv_capacity": "KV-cache capacity", "running_limit": "running-request limit",
               "compute": "compute", "bandwidth": "memory bandwidth"}


def limit_words(limit: str) -> str:
    """The binding limit's name as a sentence says it (an unknown key as it is)."""
    return LIMIT_WORDS.get(limit, limit)
