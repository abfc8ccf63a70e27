"""A serving load in words: "1 client", "14 clients", "5.5 requests/s" (one place for the slider,
the knee sentence and the cards' headings)."""

from __future__ import annotations


def load_words(kind: str, load: float) -> str:
    """Clients are whole and counted ("1 client", "1,200 clients"); a rate keeps three significant
    figures (a slider position between two rates must read differently)."""
    if kind == "concurrency":
        n = int(round(load))
        return "1 client" if n == 1 else f"{n:,} clients"
    return f"{load:.3g} requests/s"
