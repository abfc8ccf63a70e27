"""'Treat this post as input': a real BPE count, shipped offline, and what it costs."""

from pathlib import Path

import pytest

from explorer.core.features import tokens
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

SEED = Path("/work/shared/seed/why-inference-requires-exponential-compute.md")


def test_cl100k_gives_the_published_token_ids():
    # OpenAI cookbook, "How to count tokens with tiktoken": cl100k_base encodes
    # "tiktoken is great!" as [83, 1609, 5963, 374, 2294, 0].
    assert tokens.cl100k().encode("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]
    c = tokens.count_tokens("tiktoken is great!")
    assert (c.tokens, c.exact) == (6, True) and "cl100k_base" in c.tokenizer


def test_the_vocabulary_ships_in_a_package_and_matches_tiktokens_pinned_hash():
    import hashlib

    path = tokens._vocabulary_file()
    assert "site-packages" in str(path) or "dist-packages" in str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.CL100K_SHA256


def test_a_tampered_vocabulary_falls_back_to_the_documented_estimate(monkeypatch, tmp_path):
    bad = tmp_path / "cl100k_base.tiktoken"
    bad.write_bytes(b"aGk= 0\n")
    monkeypatch.setattr(tokens, "_vocabulary_file", lambda: bad)
    tokens.cl100k.cache_clear()
    try:
        c = tokens.count_tokens("x" * 400)
    finally:
        tokens.cl100k.cache_clear()
    assert (c.tokens, c.exact) == (100, False)  # 400 characters / 4
    assert "estimate" in c.tokenizer and "hash" in c.note


@pytest.mark.skipif(not SEED.exists(), reason="the seed essay is not beside this checkout")
def test_the_essay_is_about_two_thousand_tokens():
    c = tokens.count_tokens(SEED.read_text(encoding="utf-8"))
    assert c.tokens == 2117  # measured; the docstring quotes it
    assert 1626 < c.tokens < 11_100 / 4  # more tokens than words, fewer than 1 per 4 characters


def test_post_cost_for_llama_2_7b_by_hand():
    s = default_scenario()  # Llama 2 7B: 32 layers, 32 heads, head_dim 128, FP16 KV cache
    p = tokens.post_cost(s, 2117)
    assert p.pairs_per_head == 2117 ** 2
    assert p.pairs_per_layer == 32 * 2117 ** 2
    assert p.pairs_per_pass == 32 * 32 * 2117 ** 2
    assert p.kv_bytes == 2 * 32 * 32 * 128 * 2 * 2117  # K and V · layers · kv heads · head_dim · bytes · tokens
    assert p.fits_context
    # Prefill is at least the weight work: 2 FLOPs per parameter per token.
    assert p.prefill_flops >= 2 * 6.5e9 * 2117
    assert p.prefill_s > 0


def test_post_cost_with_grouped_query_attention():
    s = default_scenario().with_(model=presets.model("llama-3-8b"))  # 8 KV heads of 32
    p = tokens.post_cost(s, 1000)
    assert p.kv_bytes == 2 * 32 * 8 * 128 * 2 * 1000
    assert p.pairs_per_layer == 32 * 1000 ** 2  # GQA keeps every query head's scores
