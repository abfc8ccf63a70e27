"""Long-context decode attention on Metal: when the flash-attention vector kernel's instructions, not
its KV bytes, set the attention time.

Source: ggml-metal.metal kernel_flash_attn_ext_vec runs one threadgroup per query head (tgpig[1]) and
reads the K/V head iq2 / (n_head / n_head_kv): with grouped-query attention every query head of a group
re-does the dot products and half→float conversions on the same K/V bytes. Counted per cached key and
query head (runtimes.toml decode_attn_ops_per_dim / _per_key): 4.53125 per head-dim element + 63.
Uncalibrated: the calibration set has no Metal row past a 1,518-token context.
"""

from __future__ import annotations

import pytest

from explorer.core.engine.estimate import decode_step_parts
from explorer.core.engine.resolved import resolve
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

# Per cached key and query head: K (half4 load ¼, convert 1, FMA 1) + V (the same) + the output
# rescale once per C = 32 keys, per head-dim element; the 8-lane reduction (7 instructions on 32 lanes
# per 4 keys) and the online softmax (7) per key.
PER_DIM = (0.25 + 1 + 1) + (0.25 + 1 + 1) + 1 / 32
PER_KEY = 7 * 32 / 4 + 7


def test_the_counts_are_the_kernel_structure():
    rt = presets.runtime("llama-cpp-metal")
    assert rt.decode_attn_ops_per_dim == PER_DIM
    assert rt.decode_attn_ops_per_key == PER_KEY


def _s(model: str, kv: str, prompt: int) -> Scenario:
    return Scenario(model=presets.model(model), hardware=presets.device("m2-ultra"), devices=1, weights="q4_0",
                    kv=kv, prompt=prompt, generate=128, runtime="llama-cpp-metal")


def _attention_rate() -> float:
    """M2 Ultra (76-core): 27.2 TFLOPS FP32 → 13.6 T instructions/s; d = 128: 4·128 FLOPs per
    580 + 63 instructions."""
    fp32 = presets.device("m2-ultra").tflops["fp32"] * 1e12
    return fp32 / 2 * 4 * 128 / (PER_DIM * 128 + PER_KEY)


def test_long_context_quantized_kv_with_grouped_query_attention_is_instruction_bound():
    """Llama-3-70B (64 query heads, 8 KV heads) with a Q4_0 cache at 32k: 144 bytes a key and KV head
    carry 8 × 512 FLOPs, 28 FLOPs a byte — more than the kernel's 10.8 TFLOP/s ÷ 679 GB/s = 16 allows,
    so the attention time is its FLOPs at the instruction-limited rate, by hand, not its bytes."""
    s = _s("llama-3-70b", "q4_0", 32768)
    r = resolve(s)
    m = s.model
    t = 32768
    parts = decode_step_parts(r, t)
    flops_attn = m.layers * 4 * m.heads * m.hd * (t + 1)
    kv_bytes = m.layers * 2 * m.kv_heads * m.hd * (t + 1) * 4.5 / 8
    kv_bw = presets.device("m2-ultra").bandwidth_gbs * 1e9 * r.eta_memory
    assert float(parts["kv_bytes"]) == pytest.approx(kv_bytes, rel=1e-3)
    attn_time = flops_attn / _attention_rate()
    assert attn_time > kv_bytes / kv_bw  # the KV read does not run at full bandwidth
    weights_time = float(parts["weights_bytes"]) / (kv_bw * r.decode_format)
    expected = weights_time + attn_time + r.decode_overhead
    assert float(parts["time"]) == pytest.approx(expected, rel=1e-3)


def test_long_context_f16_cache_still_reads_at_bandwidth():
    """The same model with an F16 cache: 8 FLOPs a byte, under the kernel's 16 — the KV read is the
    attention time (bandwidth-bound), so the instruction count changes nothing there."""
    s = _s("llama-3-70b", "fp16", 32768)
    r = resolve(s)
    parts = decode_step_parts(r, 32768)
    kv_bw = presets.device("m2-ultra").bandwidth_gbs * 1e9 * r.eta_memory
    weights_time = float(parts["weights_bytes"]) / (kv_bw * r.decode_format)
    expected = weights_time + float(parts["kv_bytes"]) / kv_bw + r.decode_overhead
    assert float(parts["time"]) == pytest.approx(expected, rel=1e-3)


def test_short_context_is_the_weight_stream_whatever_the_cache_format():
    """At a 128-token context the attention is a fraction of a percent of the step: Q4_0 and F16
    caches give the same step time within 1 %, the instruction roof or not."""
    t_q4 = float(decode_step_parts(resolve(_s("llama-3-70b", "q4_0", 128)), 128)["time"])
    t_f16 = float(decode_step_parts(resolve(_s("llama-3-70b", "fp16", 128)), 128)["time"])
    assert t_q4 == pytest.approx(t_f16, rel=0.01)


def test_only_the_metal_profile_carries_the_attention_count():
    """CUDA profiles keep attention at the matmul rate (their FA kernels are not counted here)."""
    s = Scenario(model=presets.model("llama-3-70b"), hardware=presets.device("h100-sxm"), devices=1,
                 weights="q4_0", kv="q4_0", prompt=32768, generate=128, runtime="llama-cpp-cuda")
    assert resolve(s).attn_share == 1.0


def test_scalar_and_vectorized_paths_agree_where_the_roof_binds():
    """The closed-form mean decode (engine/point.py) and the sampled one (engine/passes.py) both take
    the attention roof: equal on a generation that crosses into the instruction-bound regime."""
    from explorer.core.engine.estimate import estimate
    from explorer.core.engine.sweep import estimate_vectorized
    for prompt, generate in ((128, 40_000), (32_768, 300), (0, 129)):
        s = _s("llama-3-70b", "q4_0", prompt).with_(generate=generate)
        a, b = estimate(s), estimate_vectorized(s)
        assert a.decode_tokens_per_s == pytest.approx(b.decode_tokens_per_s, rel=1e-12)
        assert a.bound == b.bound and a.tpot_s == pytest.approx(b.tpot_s, rel=1e-12)
