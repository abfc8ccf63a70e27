"""The deployment search: enough candidates, cheapest first, and its cost figure re-derived by hand."""

import pytest

from explorer.core.serving import planner
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def target(**kw):
    base = dict(model=presets.model("llama-3.1-70b"), hardware=presets.device("h100-sxm"), prompt=1024, generate=256,
                slo_ttft_ms=2000.0, slo_tpot_ms=50.0)
    return Scenario(**{**base, **kw})


def test_the_search_spans_at_least_500_setups_and_ranks_cheapest_first():
    s = target()
    assert len(planner.candidates(s)) >= 500
    rows = planner.plan(s)
    met = [r for r in rows if r.meets_slo]
    assert met and all(r.meets_slo for r in rows[:len(met)])
    costs = [r.usd_per_million_output_tokens for r in met if r.usd_per_million_output_tokens is not None]
    assert costs == sorted(costs)


def test_a_rows_cost_is_devices_times_price_over_tokens_per_hour():
    r = planner.plan(target(), hardware=("h100-sxm",), counts=(2,), formats=(("fp8-e4m3", "fp8-e4m3"),),
                     runtimes=("vllm",))[0]
    price = presets.device("h100-sxm").price_per_hour_usd
    by_hand = 2 * price / (r.output_tokens_per_s * 3600) * 1e6
    assert r.usd_per_million_output_tokens == pytest.approx(by_hand, rel=1e-9)
    assert r.tokens_per_s_per_gpu == pytest.approx(r.output_tokens_per_s / 2)
    assert r.ttft_s <= 2.0 and r.tpot_s <= 0.05


def test_a_model_that_fits_nowhere_is_left_out_and_an_impossible_target_is_not_met():
    rows = planner.plan(target(slo_tpot_ms=0.5), hardware=("h100-sxm",), counts=(1, 8), runtimes=("vllm",))
    assert rows and not any(r.meets_slo for r in rows)
    # 70B in BF16 does not fit one 80 GB H100: no row for it
    assert not any(r.devices == 1 and r.weights == "bf16" for r in rows)
