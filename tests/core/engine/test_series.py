"""series: the plotted arrays agree with the one-point estimate they summarise."""

import pytest

from explorer.core.engine import series
from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario, ScenarioError


def scen(model="llama-2-7b", hw="rtx-4090", **kw):
    return Scenario(model=presets.model(model), hardware=presets.device(hw), **kw)


@pytest.mark.parametrize("s", [
    scen(),
    scen(model="llama-2-70b", weights="q4_0", batch=8, prompt=4096, generate=512),
    scen(model="mixtral-8x7b", hw="h100-sxm", weights="fp8-e4m3", kv="fp8-e4m3", compute="fp8-e4m3", batch=64),
    scen(model="llama-3-8b", hw="m2-ultra", devices=2, parallel="pipeline", batch=16),
    scen(model="gemma-2-9b", hw="h100-pcie", devices=2, prompt=0, generate=128),
    scen(model="llama-3-8b", hw="h100-sxm", prompt=2048, generate=0),
    scen(model="gpt-2-124m", kv_cache=False, prompt=300, generate=50),
], ids=lambda s: f"{s.model.id}-{s.hardware.id}-{s.devices}-{s.batch}")
def test_vectorized_comparison_equals_estimate_per_device(s):
    for res in series.compare_devices(s):
        hw = s.hardware if res.device_id == s.hardware.id else presets.device(res.device_id)
        e = estimate(s.with_(hardware=hw))
        assert res.fits == e.fits
        assert res.ttft_s == pytest.approx(e.ttft_s, rel=1e-12)
        if e.decode_tokens_per_s is None:
            assert res.decode_tokens_per_s is None
        else:
            assert res.decode_tokens_per_s == pytest.approx(e.decode_tokens_per_s, rel=1e-12)
            assert res.bound == e.bound
        assert res.label == ("does not fit" if not e.fits else f"{res.bound}-bound")


def test_a_split_without_a_link_is_refused_before_any_plot_sees_it():
    # Two M2 Ultras need a link figure; one edited to 0 GB/s is refused by validation itself
    # (it used to pass and then raise inside three plot slots).
    s = scen(hw="m2-ultra", devices=2)
    no_link = s.hardware.edited(interconnect_gbs=0.0)
    with pytest.raises(ScenarioError, match="link .* above 0 .* 2 devices"):
        s.with_(hardware=no_link)
    assert s.with_(hardware=no_link, devices=1).devices == 1  # one device needs no link


def test_comparison_of_another_scenarios_custom_device_is_an_error_bar_not_a_crash():
    # A/B: B runs on an edited ("custom") device; A's comparison is asked for B's device list.
    a = scen(hw="h100-sxm")
    out = series.compare_devices(a, ("custom", "rtx-4090"))
    by_id = {r.device_id: r for r in out}
    assert by_id["custom"].error and not by_id["custom"].fits
    assert not by_id["rtx-4090"].error and by_id["rtx-4090"].decode_tokens_per_s > 0


# -- growth, said precisely -------------------------------------------------------------------
def test_crossover_n_star_by_hand_for_llama_2_7b():
    # 32 layers × (4·4096² attention + 3·4096·11008 MLP) = 6,476,005,376 matmul weights;
    # L·h·d_head = 32·32·128 = 131,072 → n* = 49,408 tokens.
    from explorer.core.physics import flops
    assert flops.attention_crossover(presets.model("llama-2-7b")) == pytest.approx(6_476_005_376 / 131_072)
    assert flops.attention_crossover(presets.model("mistral-7b")) == float("inf")  # sliding window everywhere


def test_slopes_inside_the_trained_context_differ_from_the_asymptotic_ones():
    g = series.compute_growth(scen())
    inside, far = g["slopes_in_context"], g["slopes_asymptotic"]
    # Inside 4,096 tokens the weights dominate: ~n with a KV cache, ~n² without.
    assert 1.0 <= inside["generation_kv_cache"] <= 1.1
    assert 2.0 <= inside["generation_no_cache"] <= 2.1
    # Far past n* attention dominates: n², n³ (the essay's O(n²) / O(n³)).
    assert far["generation_kv_cache"] == pytest.approx(2.0, abs=0.02)
    assert far["generation_no_cache"] == pytest.approx(3.0, abs=0.02)
    assert g["max_context"] == 4096 and g["n"][-1] >= 10 * g["n_star"]
    text = series.growth_summary(g)
    assert "not exponential" in text and "49,408" in text


def test_gpt2_slope_is_not_fitted_at_a_thousand_times_its_context():
    g = series.compute_growth(scen(model="gpt-2-124m"))
    assert g["slopes_in_context"]["generation_kv_cache"] < 1.1  # 1,024-token context
    assert g["slopes_in_context"]["flops_attention"] == pytest.approx(2.0, abs=0.01)
