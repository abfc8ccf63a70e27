"""Number formats: real rounding (ml_dtypes), bits per weight, and the honest "FP32 quadruples" story."""

import math

import numpy as np
import pytest

from explorer.core.specs import presets
from explorer.core.specs.formats import multiplier_area_ratio

ALL_IDS = "fp32 tf32 fp16 bf16 fp8-e4m3 fp8-e5m2 int8 int4 q8_0 q4_0 q4_k_m int4-g128".split()


def test_all_required_formats_exist():
    assert set(ALL_IDS) <= set(presets.formats())


@pytest.mark.parametrize("fid,stored", [
    # π rounded to nearest in each IEEE-style format (hand-derived from the bit layouts):
    ("fp32", 3.1415927410125732),  # 0x40490FDB
    ("fp16", 3.140625),            # 0x4248: 1.5703125 · 2
    ("bf16", 3.140625),            # 0x4049: 1.5703125 · 2 (7 fraction bits)
    ("tf32", 3.140625),            # 10 fraction bits like FP16
    ("fp8-e4m3", 3.25),            # 3 fraction bits: 1.625 · 2
    ("fp8-e5m2", 3.0),             # 2 fraction bits: 1.5 · 2
])
def test_pi_in_float_formats(fid, stored):
    assert float(presets.number_format(fid).round(math.pi)) == stored


def test_pi_in_integer_formats_uses_a_scale():
    # Symmetric INT8 with a block max of 4: scale 4/127, π -> round(99.75)=100 -> 100·4/127.
    assert float(presets.number_format("int8").round(math.pi)) == pytest.approx(100 * 4 / 127)
    # INT4: scale 4/7, π/scale = 5.50 -> 5 -> 20/7 ≈ 2.857 (the essay's "just 3" of low precision).
    assert float(presets.number_format("int4").round(math.pi)) == pytest.approx(20 / 7)


@pytest.mark.parametrize("fid,eps,maxv", [
    ("fp32", 2.0**-23, 3.4028234663852886e38),  # IEEE 754 binary32
    ("fp16", 2.0**-10, 65504.0),                # IEEE 754 binary16
    ("bf16", 2.0**-7, 3.3895313892515355e38),
    ("fp8-e4m3", 2.0**-3, 448.0),               # Micikevicius et al. 2022, Table 1
    ("fp8-e5m2", 2.0**-2, 57344.0),             # same table
])
def test_epsilon_and_max(fid, eps, maxv):
    f = presets.number_format(fid)
    assert f.epsilon == eps
    assert f.max_finite == maxv


@pytest.mark.parametrize("fid,bpw", [("q8_0", 8.5), ("q4_0", 4.5), ("int4-g128", 4 + 20 / 128)])
def test_block_format_bits_include_scales(fid, bpw):
    # llama.cpp block_q8_0: 32 int8 + fp16 scale = 34 B / 32 weights; block_q4_0: 18 B / 32.
    assert presets.number_format(fid).bits_per_weight == pytest.approx(bpw)


def test_q4_k_m_mix_averages_about_4_8_bits_over_the_layers():
    # Q4_K (4.5) everywhere, Q6_K (6.5625) for attn_v and ffn_down in 16 of 32 layers.
    from explorer.core.physics import memory
    m = presets.model("llama-3-8b")
    assert sum(memory.use_more_bits(i, 32) for i in range(32)) == 16
    body = m.params_total - m.embedding_params - m.lm_head_params
    q6 = 16 * (4096 * 1024 + 14336 * 4096)  # attn_v (8 KV heads × 128) + ffn_down, by hand
    bits = (4.5 * (body - q6) + 6.5625 * q6) / body
    assert 4.75 < bits < 4.85


def test_pi_in_q4_0_follows_ggml():
    # ggml quantize_row_q4_0_ref on a block whose max is 4: d = 4/−8 = −0.5;
    # q = (int)(π/−0.5 + 8.5) = (int)2.217 = 2; value = (2 − 8)·(−0.5) = 3.0 — the essay's "just 3".
    assert float(presets.number_format("q4_0").round(math.pi)) == 3.0


@pytest.mark.parametrize("device, factor", [
    ("rtx-4090", 165.2 / 82.6),  # Ada whitepaper: FP16 tensor (FP32 acc.) vs FP32 non-tensor
    ("h100-sxm", 989.4 / 66.9),  # H100 datasheet dense BF16/FP16 tensor vs FP32: ~15×
    ("m2-ultra", 1.0),  # Apple GPUs run FP16 and FP32 at the same rate
])
def test_fp32_slowdown_is_device_dependent_not_four(device, factor):
    from explorer.core.specs.formats import fp32_slowdown
    got, _, _ = fp32_slowdown(presets.device(device).tflops)
    assert got == pytest.approx(factor, rel=0.01)


def test_fp32_multiplier_is_about_four_times_fp16():
    # The true core of the essay's "FP32 quadruples compute": multiplier area ~ significand².
    r = multiplier_area_ratio(presets.number_format("fp32"), presets.number_format("fp16"))
    assert r == pytest.approx((24 / 11) ** 2) and round(r, 1) == 4.8


def test_rounding_is_vectorized():
    x = np.linspace(-2, 2, 1001)
    out = presets.number_format("fp8-e4m3").round(x)
    assert out.shape == x.shape and np.max(np.abs(out - x)) <= 0.125
