"""A/B compare in words: what differs between the pinned scenario A and the live one B, and
the ratios B ÷ A of the figures people compare ("INT4 vs FP16: 3.4× tokens/s, 0.28× memory")."""

from __future__ import annotations

from typing import Any

from explorer.core.engine.estimate import Estimate
from explorer.core.state.scenario import Scenario
from explorer.core.state.undo_text import changed_fields, show

# tile key -> (Estimate field, words in the sentence); ratios are B ÷ A
RATIOS = {
    "ttft": ("ttft_s", "time to first token"),
    "tpot": ("tpot_s", "time per token"),
    "tps": ("total_tokens_per_s", "tokens/s"),
    "fit": ("memory_needed_per_device", "memory"),
    "energy": ("energy_j_per_token", "energy/token"),
    "cost": ("usd_per_million_tokens", "$/1M tokens"),
    "rel": ("relationships_per_forward", "relationships"),
}
SENTENCE = ("tps", "fit", "ttft", "cost")


def value_words(name: str, value: Any) -> str:
    """One scenario field as A/B compare words it, everywhere (the readouts' "INT4 vs FP16",
    a figure's "dashed: …"): the model or device by name, the weights by format ("INT4"),
    other formats with their role ("KV FP8"), counts with theirs ("batch 8"), the cache as
    "KV cache" / "no KV cache"."""
    if name in ("model", "hardware"):
        return str(value.name)
    if name == "weights":
        return show(name, value)
    if name == "kv_cache":
        return "KV cache" if value else "no KV cache"
    label = {"kv": "KV", "parallel": "parallel", "eta_compute": "η compute", "eta_memory": "η memory",
             "price_per_hour": "$/h"}.get(name, name)
    return f"{show(name, value)} {label}" if name == "parallel" else f"{label} {show(name, value)}"


def side_words(s: Scenario, names: list[str]) -> str:
    """``s``'s values of the fields ``names``, in :func:`value_words`, joined by ", "."""
    return ", ".join(value_words(n, getattr(s, n)) for n in names)


def side_names(a: Scenario, b: Scenario) -> tuple[str, str]:
    """Short names for A and B from what differs ("FP16", "INT4"); "A"/"B" when much differs."""
    names = changed_fields(a, b)
    if not names or len(names) > 2:
        return "A", "B"
    return side_words(a, names), side_words(b, names)


def ratio(ea: Estimate, eb: Estimate, key: str) -> float | None:
    """B ÷ A for tile ``key``; None when either side has no such figure or A's is 0."""
    attr = RATIOS[key][0]
    va, vb = getattr(ea, attr), getattr(eb, attr)
    if va is None or vb is None or va == 0:
        return None
    return vb / va


def times(r: float) -> str:
    return f"{r:.2g}×" if r < 10 else f"{r:,.0f}×"


def ab_sentence(a: Scenario, ea: Estimate, b: Scenario, eb: Estimate) -> str:
    """"B (INT4) vs A (FP16): 3.4× tokens/s, 0.28× memory, …" — B's figures over A's."""
    na, nb = side_names(a, b)
    if a == b:
        return "B = A: edit B to compare it with the pinned A."
    parts = []
    for key in SENTENCE:
        r = ratio(ea, eb, key)
        if r is not None:
            parts.append(f"{times(r)} {RATIOS[key][1]}")
    head = f"{nb} vs {na}" if (na, nb) != ("A", "B") else "B vs A"
    return f"{head}: " + (", ".join(parts) if parts else "no comparable figures") + "."
