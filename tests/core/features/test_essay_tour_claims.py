"""What each essay-tour caption claims is what the app shows at that step.

A caption is read aloud in front of an audience; the numbers on screen must back it. Each
claim is checked against the app's core at that step's state, with the expectation derived here.
"""

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.features.tour import load_tour
from explorer.core.highway import traffic
from explorer.core.physics import flops
from explorer.resources import essay_tour


@pytest.fixture(scope="module")
def steps():
    return {s.title: s for s in load_tour(essay_tour()).steps}


def _highway(step):
    h = step.highway
    return traffic.highway_state(step.scenario, lanes=h["lanes"], closed=h["closed"],
                                 target_tokens_per_s=h.get("target_tokens_per_s"), users=h.get("users", 1))


def test_highway_step_is_near_capacity_and_one_more_lane_tips_it_over(steps):
    before = _highway(steps["The highway: lanes are bandwidth"])
    after = _highway(steps["One more lane closed"])
    assert 0.95 <= before.rho < 1.0  # caption: "fill the open road to ~97 %"
    assert before.state == "near capacity"
    assert 1.0 < after.rho < 1.1  # caption: "ρ ≈ 1.05"
    assert after.state == "overloaded"


def test_batching_step_gains_about_18x_not_64x(steps):
    s = steps["Deployment cost: batching"].scenario
    one, many = estimate(s.with_(batch=1)), estimate(s.with_(batch=64))
    assert 16 <= many.total_tokens_per_s / one.total_tokens_per_s <= 21  # "~18×, not 64×"
    assert 12 <= one.usd_per_million_tokens / many.usd_per_million_tokens <= 17  # "falls ~15×"
    # the cause named: per-sequence KV traffic outweighs the shared weights at batch 64
    kv_per_token = 2 * 32 * 32 * 128 * 2  # bytes: 2 · layers · kv_heads · head_dim · FP16
    assert kv_per_token == 512 * 1024  # "0.5 MiB per token"
    kv_read = 64 * (s.prompt + s.generate / 2) * kv_per_token
    assert kv_read > many.weight_bytes
    assert many.fits  # memory is not what stops it


def test_quantization_step_runs_formats_its_runtime_loads(steps):
    step = steps["Remedy: quantization"]
    q, f = estimate(step.scenario), estimate(step.pin)
    assert q.warnings == ()
    assert 3.0 <= f.bytes_per_token / q.bytes_per_token <= 3.4  # "~3.2× fewer bytes per token"
    assert 2.6 <= q.decode_tokens_per_s / f.decode_tokens_per_s <= 3.0  # "~2.8× faster"


def test_crossover_in_the_caption_is_the_one_the_plot_marks(steps):
    m = steps["Where n² takes over"].scenario.model
    # Llama 3.1 8B: 8.03 B parameters less the 128,256 × 4,096 input and output embeddings
    per_token = 8.03e9 - 2 * 128_256 * 4_096
    assert flops.attention_crossover(m) == pytest.approx(per_token / (32 * 32 * 128), rel=0.01)
    assert f"n* ≈ {flops.attention_crossover(m):,.0f}" in steps["Where n² takes over"].caption


def test_no_step_runs_a_format_its_runtime_cannot_load(steps):
    for title, step in steps.items():
        for s in (step.scenario, step.pin):
            if s is not None:
                assert not [w for w in estimate(s).warnings if "does not load" in w or "KV cache (it offers" in w], title
