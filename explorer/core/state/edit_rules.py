"""What an edit implies besides itself — one rule each, used by the GUI's panels and the CLI.

* a dense model becoming a mixture of experts gets a usable routing (k = min(2, E), expert
  width = the dense FFN width), and back to dense clears the expert fields;
* switching to sliding-window attention without a window gets :data:`DEFAULT_WINDOW`;
* setting ``head_dim`` to the width a derived head already has (d_model ÷ heads, shown in the
  panel) is no edit: the model keeps deriving it (and stays the preset it was);
* the KV-cache and compute formats follow the weight format the way runtimes do
  (:func:`following_formats`), unless the user set them to something else.
"""

from __future__ import annotations

from typing import Any

from explorer.core.specs import presets
from explorer.core.specs.model import ModelSpec
from explorer.core.state.scenario import LIMITS

DEFAULT_WINDOW = 4096  # tokens: Mistral-7B's and Gemma-2's local window
DEFAULT_ACTIVE_EXPERTS = 2  # Mixtral's top-2 routing


def model_changes(m: ModelSpec, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` to ``m`` completed with what they imply (a new dict; ``changes`` is kept)."""
    out = dict(changes)
    if not m.head_dim and out.get("head_dim") == m.hd:  # the derived width, as shown: not an edit
        del out["head_dim"]
    if out.get("experts") and not m.experts:  # a dense model becomes MoE
        out.setdefault("active_experts", min(DEFAULT_ACTIVE_EXPERTS, out["experts"]))
        out.setdefault("expert_ffn", m.ffn)
    if out.get("experts") == 0:
        out.update(active_experts=0, expert_ffn=0)
    if out.get("attention") == "sliding" and not out.get("window", m.window):
        out["window"] = DEFAULT_WINDOW
    return out


def following_formats(weights: str) -> tuple[str, str]:
    """(kv, compute) that go with ``weights``: float weights the hardware can compute in run in
    their own format (FP32 and BF16 checkpoints keep their KV cache in it too); integer and
    block formats are dequantized to FP16 and keep an FP16 cache."""
    fmt = presets.number_format(weights)
    if fmt.kind == "float" and "compute" in fmt.roles:
        kv = weights if weights in ("fp32", "bf16") else "fp16"
        return kv, weights
    return "fp16", "fp16"


def weights_changes(old_weights: str, kv: str, compute: str, new_weights: str) -> dict[str, str]:
    """The fields to set when the weight format goes from ``old_weights`` to ``new_weights``:
    KV and compute follow it while they are where the old weights put them (a format the user
    chose on purpose is kept)."""
    old_kv, old_compute = following_formats(old_weights)
    new_kv, new_compute = following_formats(new_weights)
    out = {"weights": new_weights}
    if kv == old_kv:
        out["kv"] = new_kv
    if compute == old_compute:
        out["compute"] = new_compute
    return out


LOAD_KEY_STEP = 1.1  # one arrow key on the load slider: ±10 % of the load…


def load_step(kind: str, load: float, up: bool) -> float:
    """The load one arrow key moves to: ±10 %, and at least one whole client in a closed loop (the
    slider's log scale alone would need many presses to get from 1 to 2 clients); a rate keeps three
    significant figures. Never past the scenario's load limits (one client at the least)."""
    lo, hi = LIMITS["load"]
    if kind == "concurrency":
        n = round(load)
        v = float(max(n + 1, round(n * LOAD_KEY_STEP)) if up else max(1, min(n - 1, round(n / LOAD_KEY_STEP))))
    else:
        v = float(f"{(load * LOAD_KEY_STEP if up else load / LOAD_KEY_STEP):.3g}")
    return min(max(v, lo), hi)
