"""Undo entries that read like a story: "Batch 1 → 8", "Weights FP16 → INT4"."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from explorer.core.specs import presets
from explorer.core.state.appstate import AppState
from explorer.core.state.scenario import Scenario

LABELS = {
    "model": "Model", "hardware": "Hardware", "weights": "Weights", "kv": "KV cache", "compute": "Compute",
    "devices": "Devices", "parallel": "Parallel", "batch": "Batch", "prompt": "Prompt", "generate": "Generate",
    "kv_cache": "KV cache reuse", "eta_compute": "η compute", "eta_memory": "η memory",
    "price_per_hour": "Price", "runtime": "Runtime", "load_kind": "Load kind", "load": "Load",
    "burstiness": "Burstiness", "think_s": "Think time", "lengths": "Lengths", "length_spread": "Length spread",
    "slo_ttft_ms": "Target TTFT", "slo_tpot_ms": "Target TPOT", "slo_percentile": "Target percentile",
}
FORMAT_FIELDS = ("weights", "kv", "compute")


def changed_fields(a: Scenario, b: Scenario) -> list[str]:
    return [f.name for f in fields(Scenario) if getattr(a, f.name) != getattr(b, f.name)]


def show(name: str, value: Any) -> str:
    """A scenario value as a person reads it."""
    if value is None:
        return "default"
    if name in FORMAT_FIELDS:
        try:
            return presets.number_format(value).name
        except presets.UnknownPreset:
            return str(value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "name", value))


def _spec_edit(name: str, a: Any, b: Any) -> str:
    """Model/hardware: a preset swap names both; an edit of one figure names that figure."""
    if a.id == "custom" or b.id == "custom":
        diff = [f.name for f in fields(a) if f.name not in ("id", "name", "based_on")
                and getattr(a, f.name) != getattr(b, f.name)]
        diff = [d for d in diff if not d.startswith("official") and d not in ("source", "sources")]
        if len(diff) == 1:
            return f"{LABELS[name]} {diff[0]} {show('', getattr(a, diff[0]))} → {show('', getattr(b, diff[0]))}"
    return f"{LABELS[name]} {a.name} → {b.name}"


def describe_scenario(a: Scenario, b: Scenario) -> str:
    names = changed_fields(a, b)
    if not names:
        return ""
    parts = []
    for n in names:
        va, vb = getattr(a, n), getattr(b, n)
        parts.append(_spec_edit(n, va, vb) if n in ("model", "hardware") else
                     f"{LABELS.get(n, n)} {show(n, va)} → {show(n, vb)}")
    if len(parts) > 3:
        return f"{len(parts)} settings ({', '.join(LABELS.get(n, n) for n in names)})"
    return ", ".join(parts)


def describe(before: AppState, after: AppState) -> str:
    """One line for an undo entry from ``before`` to ``after``."""
    if before.pinned is not None and after.pinned is not None and (before.pinned, before.scenario) == (
            after.scenario, after.pinned) and before.scenario != before.pinned:
        return "Swap A and B"
    if before.pinned is None and after.pinned is not None:
        return "Pin as A"
    if before.pinned is not None and after.pinned is None:
        return "Clear pin"
    text = describe_scenario(before.scenario, after.scenario)
    if before.pinned != after.pinned and after.pinned is not None and before.pinned is not None:
        pinned = describe_scenario(before.pinned, after.pinned)
        text = f"{text}; A: {pinned}" if text else f"A: {pinned}"
    if not text and before.view != after.view:
        return "View settings"
    return text or "No change"
