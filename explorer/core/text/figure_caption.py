"""What every exported figure says about itself: a one-line caption and a default file name,
both naming model, hardware, formats and workload (so a slide or a file is never anonymous)."""

from __future__ import annotations

import re

from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario
from explorer.core.state.undo_text import changed_fields
from explorer.core.text.ab_compare import side_words


def _fmt(key: str) -> str:
    try:
        return presets.number_format(key).name
    except presets.UnknownPreset:
        return key


def caption(s: Scenario, pinned: Scenario | None = None) -> str:
    """``Llama 2 7B on 1× NVIDIA GeForce RTX 4090 · weights FP16, KV FP16, compute FP16 · batch 1,
    prompt 1,024 + 256 generated`` (and what A differs in, when one is pinned)."""
    devices = f"{s.devices}× {s.hardware.name}" + (f" ({s.parallel} parallel)" if s.devices > 1 else "")
    cache = "" if s.kv_cache else ", no KV cache"
    line = (f"{s.model.name} on {devices} · weights {_fmt(s.weights)}, KV {_fmt(s.kv)}, compute {_fmt(s.compute)}"
            f" · batch {s.batch:,}, prompt {s.prompt:,} + {s.generate:,} generated{cache}")
    if pinned is not None and pinned != s:
        line += f" · dashed: {difference(s, pinned)}"
    return line


def difference(s: Scenario, other: Scenario) -> str:
    """What ``other`` has where it differs from ``s``, in A/B compare's words
    (``ab_compare.value_words``): 'FP16, prompt 4,096'."""
    return side_words(other, changed_fields(s, other)) or "same scenario"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.") or "x"


def file_stem(s: Scenario, what: str) -> str:
    """``llama-2-7b_1x-rtx-4090_fp16-fp16-fp16_b1-p1024-g256_compute``: safe on every OS."""
    model = slug(s.model.id if s.model.id != "custom" else s.model.name)
    hw = slug(s.hardware.id if s.hardware.id != "custom" else s.hardware.name)
    formats = "-".join(slug(f) for f in (s.weights, s.kv, s.compute))
    work = f"b{s.batch}-p{s.prompt}-g{s.generate}" + ("" if s.kv_cache else "-nocache")
    return "_".join((model, f"{s.devices}x-{hw}", formats, work, slug(what)))
