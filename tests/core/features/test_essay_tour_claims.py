"""What each essay-tour caption claims is what the app shows at that step.

A caption is read aloud in front of an audience; the numbers on screen must back it. Each
claim is checked against the app's core at that step's state, with the expectation derived here.
"""

import math
from dataclasses import replace

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
    return traffic.highway(step.scenario, lanes=h["lanes"], closed=h["closed"])


def test_highway_step_is_near_capacity_and_one_more_lane_tips_it_over(steps):
    a, b = steps["The highway: lanes are bandwidth"], steps["One more lane closed"]
    before, after = _highway(a), _highway(b)
    s = a.scenario
    assert s.load_kind == "rate" and s.load == 11.0  # "arriving at 11.0 a second": an open loop
    assert (s.prompt, s.generate, before.lanes, before.closed_lanes) == (1000, 200, 16, 4)
    # "near capacity (ρ ≈ 0.95)": ρ = λ ÷ what the 12 open lanes carry with the batch full
    assert before.rho == pytest.approx(11.0 / before.capacity)
    assert 0.945 <= before.rho < 0.97 and before.state == "near capacity"
    p = before.point
    assert 78 <= p.mean_running <= 82 and before.batch_capacity == 98  # "~80 of the 98"
    # 98 by hand: KV blocks for 1,200-token requests — 0.5 MiB/token (2·32 layers·32 heads·128·2 B)
    kv_per_request = 1200 * 2 * 32 * 32 * 128 * 2
    assert before.batch_capacity * kv_per_request < 80e9  # they fit in an 80 GB H100, with the weights
    assert 0.50 <= p.ttft_p99 <= 0.56  # "within 0.53 s (p99)"
    # "12/11 as long": one of 12 open lanes closes
    assert traffic.lane_factor(before.open_lanes) == pytest.approx(12 / 11)
    assert 10.55 <= after.capacity <= 10.65  # "~10.6 requests a second"
    assert after.capacity < 11.0 < before.capacity  # capacity fell below demand
    assert 1.03 <= after.rho <= 1.05 and after.state == "overloaded"  # "ρ ≈ 1.04"
    assert math.isinf(after.point.ttft_p99) and after.queue_growth > 0  # the queue grows without bound
    assert round(p.tpot_s * 1e3) == 36 and round(after.point.tpot_s * 1e3) == 45  # "from 36 to 45 ms"
    assert math.isfinite(after.point.tpot_s)  # the cars keep moving: bounded
    # the captions quote these figures (computed from the serving model, never typed)
    for n in (f"{s.load:.1f} requests arrive", f"({before.open_lanes} of 16 open)", f"~{p.mean_running:.0f} ride",
              f"the {before.batch_capacity:.0f} the KV cache admits", f"within {p.ttft_p99:.2f} s (p99)"):
        assert n in a.caption, n
    for n in (f"carries {after.capacity:.1f} requests a second", f"the {s.load:.1f} arriving",
              f"{p.tpot_s * 1e3:.0f} → {after.point.tpot_s * 1e3:.0f} ms per token"):
        assert n in b.caption, n
    assert "near capacity" in a.caption and "without bound" in b.caption


def test_highway_step_figures_are_the_serving_views(steps):
    """The highway's figures for the step = serving.steady of the same scenario on the open lanes."""
    from explorer.core import serving
    step = steps["One more lane closed"]
    road = _highway(step)
    s = step.scenario
    fewer = s.with_(hardware=replace(s.hardware, bandwidth_gbs=s.hardware.bandwidth_gbs * 11 / 16))
    assert road.point == serving.steady(fewer)


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
