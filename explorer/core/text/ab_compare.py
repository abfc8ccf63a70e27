"""A/B compare in words: what differs between the pinned scenario A and the live one B, and
the ratios B ÷ A of the figures people compare ("INT4 vs FP16: 3.4× tokens/s, 0.28× memory")."""

from __future__ import annotations

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


def side_names(a: Scenario, b: Scenario) -> tuple[str, str]:
    """Short names for A and B from what differs ("FP16", "INT4"); "A"/"B" when much differs."""
    names = changed_fields(a, b)
    if not names or len(names) > 2:
        return "A", "B"

    def name(s: Scenario) -> str:
        return " ".join(show(n, getattr(s, n)) if n not in ("batch", "prompt", "generate", "devices")
                        else f"{n} {show(n, getattr(s, n))}" for n in names)
    return name(a), name(b)


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
