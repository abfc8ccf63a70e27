"""Behaviours a review broke one line at a time without a test failing, each now held against
a hand derivation written here (never the function's own output): energy and cost on several
devices, the does-not-fit advice, the inspector's representative decode step, and which
bandwidth 'This machine' uses."""

import tomllib
from pathlib import Path

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.specs.this_machine import Measurement
from explorer.core.state.scenario import default_scenario
from explorer.core.text.explain import explain
from explorer.core.text.report import does_not_fit

DATA = Path(__file__).resolve().parents[2] / "explorer" / "data"
GiB = 2**30


@pytest.mark.parametrize("devices, parallel", [(1, "tensor"), (2, "tensor"), (4, "tensor"), (4, "pipeline")])
def test_energy_and_cost_count_every_device_for_the_whole_job(devices, parallel):
    hw = presets.device("h100-sxm")  # 700 W, $2.79/h per GPU (data sheet, hardware.toml)
    s = default_scenario().with_(model=presets.model("llama-2-13b"), hardware=hw, devices=devices,
                                 parallel=parallel, batch=4, prompt=512, generate=100)
    e = estimate(s)
    wall = e.ttft_s + (100 - 1) * e.tpot_s  # first token with the prefill, then 99 decode steps
    tokens = 4 * 100
    assert e.energy_j_per_token == pytest.approx(devices * 700.0 * wall / tokens, rel=1e-9)
    assert e.usd_per_million_tokens == pytest.approx(devices * 2.79 / 3600 * wall / tokens * 1e6, rel=1e-9)


def test_energy_and_cost_of_a_prompt_only_job_count_prompt_tokens():
    s = default_scenario().with_(hardware=presets.device("h100-sxm"), devices=2, batch=3, prompt=2000, generate=0,
                                 price_per_hour=10.0)
    e = estimate(s)
    assert e.energy_j_per_token == pytest.approx(2 * 700.0 * e.ttft_s / (3 * 2000), rel=1e-9)
    assert e.usd_per_million_tokens == pytest.approx(2 * 10.0 / 3600 * e.ttft_s / (3 * 2000) * 1e6, rel=1e-9)


def _budget(category):
    eff = tomllib.loads((DATA / "efficiency.toml").read_text())[category]
    return eff["usable_fraction"], eff["reserve_gib"]


def test_fit_advice_names_the_fewest_devices_and_the_largest_batch_that_fit():
    # Llama-2-7B FP16 on RTX 4090s, 64 sequences of 4,096 + 256 tokens. By hand:
    #   weights 6,738,415,616 × 2 B = 12.55 GiB; KV per sequence 2·32 layers·32 heads·128·2 B·4,352 = 2.125 GiB;
    #   one card: 0.9·24 = 21.6 GiB usable, 1 GiB reserve -> room for 21.6 − 1 − 12.55 = 8.05 GiB of KV:
    #   3 sequences, so the largest power-of-two batch is 2;
    #   n cards (tensor split): (12.55 + 64·2.125)/n + 1 ≤ 21.6 -> n ≥ 7.2 -> 8 (of 2, 4, 8, 16 …);
    #   a smaller weight format leaves 136 GiB of KV: no format alone fits.
    usable, reserve = _budget("consumer-gpu")
    s = default_scenario().with_(hardware=presets.device("rtx-4090"), batch=64, prompt=4096, generate=256)
    w = 6_738_415_616 * 2 / GiB
    kv = 2 * 32 * 32 * 128 * 2 * 4352 / GiB
    assert int((usable * 24 - reserve - w) // kv) == 3
    advice = does_not_fit(s, estimate(s))
    assert advice.endswith(": 8 devices or batch 2 would fit"), advice
    assert f"has {usable * 24:.1f} GiB usable" in advice
    need = w + 64 * kv + reserve
    assert f"needs {need:.0f} GiB" in advice or f"needs {need:.1f} GiB" in advice, advice


def test_fit_advice_offers_the_largest_smaller_weight_format_that_fits():
    # Llama-2-13B FP16 on one RTX 4090 (physics only, every format allowed): 13.0e9 × 2 B = 24.2 GiB
    # of weights > 21.6 GiB usable. Two cards hold 12.1 GiB each; FP8 (8 bits) holds 12.1 GiB on one.
    s = default_scenario().with_(model=presets.model("llama-2-13b"), hardware=presets.device("rtx-4090"),
                                 runtime="ideal")
    advice = does_not_fit(s, estimate(s))
    fp8 = presets.number_format("fp8-e4m3").name
    assert advice.endswith(f": 2 devices or {fp8} weights would fit"), advice


def test_the_inspector_explains_decode_at_the_middle_of_the_generation():
    # Generating 201 tokens after a 1,000-token prompt: contexts 1,000 … 1,200, the middle step at 1,100.
    s = default_scenario().with_(prompt=1000, generate=201)
    text = explain(s)["decode"].text()
    assert "at context 1,100 on 1 device(s)" in text, text
    s = default_scenario().with_(prompt=64, generate=1)  # one step: at the prompt's end
    assert "at context 64 on" in explain(s)["decode"].text()


@pytest.mark.parametrize("copy, triad, used", [(50.0, 80.0, 80.0), (90.0, 60.0, 90.0)])
def test_this_machine_uses_the_best_measured_bandwidth(copy, triad, used):
    # STREAM's convention: the best sustained rate of the kernels run, here the larger of copy and triad.
    m = Measurement(copy_gbs=copy, triad_gbs=triad, fp32_tflops=1.0, fp64_tflops=0.5, memory_gib=16.0,
                    cpu="test CPU", date="2026-12-02T10:00:00+00:00", seconds=3.0)
    hw = m.to_hardware()
    assert hw.bandwidth_gbs == used
    assert hw.bandwidth_bytes_per_s == used * 1e9
