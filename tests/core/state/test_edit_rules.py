"""Edit rules live in core once; the CLI and the GUI's panels use the same ones."""

import pytest

from explorer.cli import build_parser, scenario_from_args
from explorer.core.physics.memory import state_bytes
from explorer.core.specs import presets
from explorer.core.state.appstate import AppState
from explorer.core.state.edit_rules import (
    DEFAULT_WINDOW,
    load_step,
    model_changes,
    weights_changes,
)
from explorer.core.state.scenario import default_scenario
from explorer.core.state.undo_text import describe


def test_dense_to_moe_and_back():
    m = presets.model("llama-2-7b")
    ch = model_changes(m, {"experts": 8})
    assert ch == {"experts": 8, "active_experts": 2, "expert_ffn": m.ffn}
    moe = m.edited(**ch)
    assert model_changes(moe, {"experts": 0}) == {"experts": 0, "active_experts": 0, "expert_ffn": 0}


def test_the_derived_head_dim_as_shown_is_no_edit():
    m = presets.model("llama-2-7b")  # head_dim derived: 4096 / 32 = 128
    assert m.head_dim == 0
    assert model_changes(m, {"head_dim": 128}) == {}
    assert model_changes(m, {"head_dim": 64}) == {"head_dim": 64}  # another width is an edit
    explicit = m.edited(head_dim=128)
    assert model_changes(explicit, {"head_dim": 128}) == {"head_dim": 128}


def test_sliding_window_default():
    m = presets.model("llama-2-7b")
    assert model_changes(m, {"attention": "sliding"})["window"] == DEFAULT_WINDOW == 4096


def test_kv_and_compute_follow_the_weights_unless_chosen():
    assert weights_changes("fp16", "fp16", "fp16", "fp32") == {"weights": "fp32", "kv": "fp32", "compute": "fp32"}
    assert weights_changes("fp16", "fp16", "fp16", "int4") == {"weights": "int4", "kv": "fp16", "compute": "fp16"}
    # an FP8 KV cache chosen on purpose stays
    assert weights_changes("fp16", "fp8-e4m3", "fp16", "fp32") == {"weights": "fp32", "compute": "fp32"}


def test_cli_and_rule_agree_for_fp32_weights():
    a = build_parser().parse_args(["estimate", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--weights", "fp32"])
    s = scenario_from_args(a)
    assert (s.weights, s.kv, s.compute) == ("fp32", "fp32", "fp32")


def test_linear_state_size_by_hand():
    m = presets.model("llama-2-7b").edited(attention="linear")
    fp16 = presets.number_format("fp16")
    # layers · heads · head_dim² values of 2 bytes: 32 · 32 · 128² · 2
    assert float(state_bytes(m, fp16)) == 32 * 32 * 128 * 128 * 2


def test_undo_texts_read_like_a_story():
    s = default_scenario()
    assert describe(AppState(s), AppState(s.with_(batch=8))) == "Batch 1 → 8"
    assert describe(AppState(s), AppState(s.with_(weights="int4"))) == "Weights FP16 → INT4"
    assert describe(AppState(s), AppState(s, pinned=s)) == "Pin as A"
    b = s.with_(batch=4)
    assert describe(AppState(b, pinned=s), AppState(s, pinned=b)) == "Swap A and B"


@pytest.mark.parametrize(("kind", "load", "up", "expected"), [
    ("concurrency", 1, True, 2), ("concurrency", 1, False, 1),  # one client more; never below one
    ("concurrency", 9, True, 10), ("concurrency", 2, False, 1),
    ("concurrency", 100, True, 110), ("concurrency", 110, False, 100),  # ±10 % once it is more than one
    ("rate", 5.0, True, 5.5), ("rate", 5.5, False, 5.0), ("rate", 0.001, False, 0.001),
    ("rate", 1_000_000.0, True, 1_000_000.0), ("concurrency", 1_000_000, True, 1_000_000),  # the load's upper limit
])
def test_one_arrow_key_moves_the_load_a_visible_step(kind, load, up, expected):
    assert load_step(kind, load, up) == pytest.approx(expected)
