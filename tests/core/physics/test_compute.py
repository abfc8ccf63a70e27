"""FLOP counts and attention relationships vs plain loops, the essay's examples, and growth laws."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.physics import flops
from explorer.core.specs import presets
from explorer.core.specs.model import ModelSpec


def tiny(**kw) -> ModelSpec:
    base = dict(id="t", name="tiny", layers=4, d_model=64, heads=4, kv_heads=2, ffn=256, vocab=1000)
    base.update(kw)
    return ModelSpec(**base)


def test_essay_relationship_examples():
    # Seed essay, "Quadratic Complexity": 100 tokens -> 10,000 relationships; 1,000 -> 1,000,000.
    m = presets.model("llama-2-7b")
    assert flops.relationships_per_head(m, 100) == 10_000
    assert flops.relationships_per_head(m, 1_000) == 1_000_000
    assert flops.relationships_per_layer(m, 100) == 32 * 10_000  # O(h·n²), h = 32
    assert flops.relationships_per_forward(m, 100) == 32 * 32 * 10_000


@given(st.integers(1, 10**6))
def test_doubling_n_quadruples_relationships(n):
    m = presets.model("llama-2-7b")
    assert flops.relationships_per_head(m, 2 * n) == pytest.approx(4 * flops.relationships_per_head(m, n))


def test_sliding_window_relationships_grow_linearly_past_window():
    m = presets.model("mistral-7b")
    w = m.window
    assert flops.relationships_per_head(m, 4 * w) == pytest.approx(2 * flops.relationships_per_head(m, 2 * w))


def _scalar_attention_prefill(m: ModelSpec, n: int) -> float:
    """Straight from the definition: each query i attends to min(i, W) keys on sliding layers."""
    total = 0.0
    for layer in range(m.layers):
        sliding = layer < m.sliding_layers
        for i in range(1, n + 1):
            keys = min(i, m.window) if sliding else i
            total += 4 * m.heads * m.hd * keys
    return total


@pytest.mark.parametrize("kw", [{}, {"attention": "sliding", "window": 7, "sliding_fraction": 0.5},
                                {"attention": "sliding", "window": 5}])
def test_vectorized_prefill_attention_matches_loop(kw):
    m = tiny(**kw)
    ns = np.array([1, 2, 3, 6, 7, 8, 30])
    got = flops.attention_flops_prefill(m, ns)
    want = [_scalar_attention_prefill(m, int(n)) for n in ns]
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"attention": "sliding", "window": 9, "sliding_fraction": 0.5},
                                {"attention": "linear"}])
@pytest.mark.parametrize("kv_cache", [True, False])
def test_generation_sum_matches_step_loop(kw, kv_cache):
    m = tiny(**kw)
    rng = np.random.default_rng(7)
    step = flops.decode_step_flops if kv_cache else flops.decode_step_flops_no_cache
    for p, g in [(0, 1), (0, 2), (3, 3), (5, 17), (0, 40)] + [tuple(rng.integers(0, 30, 2)) for _ in range(5)]:
        want = sum(float(step(m, t)) for t in range(p, p + g))
        got = float(flops.generation_flops(m, p, g, kv_cache=kv_cache))
        assert got == pytest.approx(want, rel=1e-9), (p, g)


def test_generation_sum_is_accurate_for_huge_ranges():
    m = presets.model("llama-2-7b")
    # Direct numpy sum over 10⁶ steps as the reference.
    t = np.arange(10**6, dtype=np.float64)
    want = flops.decode_step_flops(m, t).sum()
    assert float(flops.generation_flops(m, 0, 10**6)) == pytest.approx(want, rel=1e-9)


def _loglog_slope(x, y):
    return np.polyfit(np.log(x), np.log(y), 1)[0]


def test_cumulative_generation_is_quadratic_with_cache_and_cubic_without():
    # Essay §4: O(n³) cumulative without a KV cache; with one, O(n²). Both hold once attention
    # dominates the per-token cost (long generations); fitted over 10⁵..10⁷ tokens.
    m = presets.model("gpt-2-124m")
    n = np.geomspace(1e5, 1e7, 12)
    assert _loglog_slope(n, flops.generation_flops(m, 0, n, kv_cache=True)) == pytest.approx(2.0, abs=0.1)
    assert _loglog_slope(n, flops.generation_flops(m, 0, n, kv_cache=False)) == pytest.approx(3.0, abs=0.1)


def test_no_overflow_at_extremes():
    m = presets.model("llama-3.1-405b")
    big = np.array([1e7])
    for arr in (flops.prefill_flops(m, big, 65536), flops.generation_flops(m, 0, big, kv_cache=False, batch=65536)):
        assert np.all(np.isfinite(arr)) and np.all(arr > 0)


@settings(max_examples=30)
@given(st.integers(1, 8))
def test_flops_linear_in_parameters(k):
    # Essay §2: 10× the parameters -> ~10× the compute. tiny() by hand, per layer: attention
    # 64·(64 + 2·32) + 64·64 = 12,288 weights, SwiGLU MLP 3·64·256 = 49,152: 61,440 weights,
    # 2 FLOPs each per token. Stacking 4k layers multiplies that by exactly 4k.
    assert flops.linear_flops_per_token(tiny(layers=4 * k)) == 2 * 61_440 * 4 * k


def test_ten_billion_vs_one_billion():
    # Two shapes of one family with ~1B and ~10B parameters: short-prompt FLOPs scale ~10×.
    one = ModelSpec(id="a", name="1B", layers=16, d_model=2048, heads=16, kv_heads=16, ffn=5632, vocab=32000)
    ten = ModelSpec(id="b", name="10B", layers=40, d_model=4608, heads=36, kv_heads=36, ffn=12288, vocab=32000)
    # Precisely, FLOPs follow the parameters a token is multiplied by (embeddings are a lookup).
    ratio_p = ten.params_total / one.params_total
    ratio_f = float(flops.prefill_flops(ten, 100) / flops.prefill_flops(one, 100))
    assert 8 < ratio_p < 12 and 8 < ratio_f < 14
    assert ratio_f == pytest.approx(ten.matmul_params_per_token / one.matmul_params_per_token, rel=0.02)


def test_prefill_flops_close_to_two_p_n():
    # Kaplan et al. 2020: forward ≈ 2·N FLOPs per token, N = non-embedding parameters, when
    # n ≪ 12·d_model (attention small).
    m = presets.model("llama-2-7b")
    n = 128
    approx = 2 * (m.params_total - m.embedding_params - m.lm_head_params) * n
    assert float(flops.prefill_flops(m, n)) == pytest.approx(approx, rel=0.03)


def test_more_heads_at_fixed_d_model_add_score_entries_not_attention_flops():
    # Same d_model 4096: 32 heads of 128 vs 64 heads of 64. h·n² doubles; the work does not.
    a = ModelSpec(id="a", name="32h", layers=2, d_model=4096, heads=32, kv_heads=32, ffn=11008, vocab=32000)
    b = ModelSpec(id="b", name="64h", layers=2, d_model=4096, heads=64, kv_heads=64, ffn=11008, vocab=32000)
    n = 1000
    assert float(flops.relationships_per_layer(b, n)) == 2 * float(flops.relationships_per_layer(a, n))
    # Causal prefill attention by hand: 4 · d_model FLOPs per (query, key) pair, n(n+1)/2 pairs, 2 layers.
    want = 2 * 4 * 4096 * n * (n + 1) / 2
    assert float(flops.attention_flops_prefill(a, n)) == want == float(flops.attention_flops_prefill(b, n))
