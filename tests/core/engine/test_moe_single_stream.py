"""Mixture of experts with latent attention at batch 1: each named cause is checked against a hand
derivation, and the gap to a published single-stream figure is held here, not hidden.

Published figures (no constant here was tuned to them):
- DeepSeek-V3: SGLang v0.4.1.post2 release notes (github.com/sgl-project/sglang/pull/2643,
  2024-12-29), 8×H200, tensor parallel 8, CUDA graphs and FP8 GEMM tuning: "batch 1, input 128,
  output 256: 30.29 token/s".
- Mixtral 8x7B: llama.cpp PR #4406 "llama : add Mixtral support" (github.com/ggml-org/llama.cpp/pull/4406),
  llama-bench table posted 2023-12-16 for an M2 Max Mac Studio (38-core GPU, 96 GB), build 9fb13f9:
  Q4_0 (24.62 GiB) tg 128 = 36.66 t/s.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from explorer.core.engine.estimate import decode_step_parts, estimate
from explorer.core.engine.resolved import resolve
from explorer.core.physics import kernels, memory
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

PUBLISHED_TOKENS_PER_S = 30.29
MIXTRAL_M2_MAX_Q4_0_TG128 = 36.66


def v3(**kw) -> Scenario:
    base = dict(model=presets.model("deepseek-v3"), hardware=presets.device("h200"), devices=8,
                weights="fp8-e4m3", kv="fp8-e4m3", prompt=128, generate=256, runtime="sglang")
    return Scenario(**{**base, **kw})


def test_deepseek_v3_pays_for_twice_the_kernels_of_a_dense_layer():
    r = resolve(v3())
    tau = presets.runtime("sglang").decode_kernel_us * 1e-6
    # 61 layers of latent attention (18 kernels each + 4 activation quantisations: Q/K/V input, O
    # input, kv_a, q_b), 3 dense MLPs (7 + 2 quantisations) and 58 routed ones with a shared expert
    # (20 + 2 for the fused MoE + 2 for the shared expert): by hand,
    count = 61 * (18 + 4) + 3 * (7 + 2) + 58 * (20 + 4)
    assert count == 2761
    assert r.decode_overhead == pytest.approx(count * tau + presets.runtime("sglang").pass_ms * 1e-3)
    assert kernels.per_pass(v3().model) / v3().model.layers > 1.9 * kernels.dense_layer()


def test_activation_quantisation_kernels_only_where_the_runtime_runs_them():
    """FP8 in vLLM adds one quantisation kernel per matmul input (4 per Llama layer); BF16 in vLLM,
    and FP8 in TensorRT-LLM (quantisation fused into the norm), add none."""
    llama = presets.model("llama-3-8b")
    s = Scenario(model=llama, hardware=presets.device("h100-sxm"), devices=1, weights="bf16", kv="bf16",
                 prompt=128, generate=128, runtime="vllm")
    tau = presets.runtime("vllm").decode_kernel_us * 1e-6
    fp8 = resolve(s.with_(weights="fp8-e4m3")).decode_overhead
    assert fp8 - resolve(s).decode_overhead == pytest.approx(llama.layers * 4 * tau)
    trt = s.with_(runtime="tensorrt-llm")
    assert resolve(trt.with_(weights="fp8-e4m3")).decode_overhead == pytest.approx(resolve(trt).decode_overhead)


def test_one_token_reads_its_active_experts_whole_and_a_batch_touches_more_of_them():
    m = presets.model("deepseek-v3")
    fp8 = presets.number_format("fp8-e4m3")
    d, e, k, f = 7168, 256, 8, 2048
    expert = 3 * d * f  # gate, up, down of one routed expert
    routed_all = 58 * e * expert
    body = m.params_total - m.embedding_params - m.lm_head_params
    lm_head = m.lm_head_params
    # Batch 1: everything but the routed experts, plus 8 whole experts per MoE layer (FP8: one byte a
    # weight), the LM head and one embedding row (BF16 in DeepSeek's FP8 checkpoint: two bytes).
    one = body - routed_all + 58 * k * expert + 2 * lm_head + 2 * d
    assert float(memory.weight_bytes_read(m, fp8, 1)) == pytest.approx(one, rel=1e-9)
    # Batch B: each expert is missed by all B tokens with probability ∏(1 − k/E), a plain loop.
    for b in (2, 16, 256):
        miss = 1.0
        for _ in range(b):
            miss *= 1 - k / e
        want = body - routed_all + 58 * e * (1 - miss) * expert + 2 * lm_head + 2 * b * d
        assert float(memory.weight_bytes_read(m, fp8, b)) == pytest.approx(want, rel=1e-9)
    assert float(memory.weight_bytes_read(m, fp8, 256)) > 10 * float(memory.weight_bytes_read(m, fp8, 1))


def test_absorbed_latent_attention_reads_the_latent_and_scores_in_its_width():
    """Decode with the up-projections absorbed (DeepSeek-V2 paper §2.1.3): each cached token is
    one 512-value latent + one 64-value RoPE key per layer, read whole by every rank; each key
    costs 2·h·(512 + 64) FLOPs for the scores and 2·h·512 for A·V."""
    s = v3()
    p = decode_step_parts(resolve(s), 1000, 1)
    per_key = 2 * 128 * (512 + 64) + 2 * 128 * 512
    assert float(p["flops"]) == pytest.approx(2 * s.model.matmul_params_per_token + 2 * s.model.lm_head_matmul_params
                                              + 61 * 1001 * per_key, rel=1e-9)
    assert float(p["kv_bytes"]) == pytest.approx(61 * (512 + 64) * 1001, rel=1e-9)  # FP8: 1 byte a value


def test_expert_parallel_all_to_all_replaces_the_moe_all_reduce_and_is_latency_bound_at_batch_1():
    s = v3()
    base = resolve(s)
    ep_rt = replace(base.runtime, moe_all_to_all=True)
    r = replace(base, runtime=ep_rt)
    alpha, bw = base.link_latency, float(base.link_bandwidth)
    d, k, n = 7168, 8, 8
    dispatch = (n - 1) / n * k * d * 2 / bw + alpha  # 16-bit activations, one fabric latency
    a1 = base.oneshot_latency  # SGLang's custom one-shot all-reduce on NVSwitch
    allreduce = min(2 * (n - 1) / n * d * 2 / bw + 14 * alpha,  # NCCL ring: 2(N−1) hops
                    (n - 1) * d * 2 / bw + a1)  # one-shot: every peer's 14 KB read, one latency
    extra = 58 * (2 * dispatch - allreduce)
    got = float(decode_step_parts(r, 200, 1)["comm_time"]) - float(decode_step_parts(base, 200, 1)["comm_time"])
    assert got == pytest.approx(extra, rel=1e-9)
    assert alpha / dispatch > 0.7  # latency-bound: the fabric latency (1.6 µs of 2.16) is most of each all-to-all
    # A dense model has no MoE layer to dispatch.
    dense = Scenario(model=presets.model("llama-2-70b"), hardware=presets.device("h200"), devices=8,
                     weights="fp16", kv="fp16", prompt=128, generate=256, runtime="vllm")
    rd = resolve(dense)
    assert float(decode_step_parts(replace(rd, runtime=replace(rd.runtime, moe_all_to_all=True)), 200, 1)["comm_time"]) \
        == pytest.approx(float(decode_step_parts(rd, 200, 1)["comm_time"]))


@pytest.mark.xfail(strict=True, reason="known gap, ~4x: the counted causes (kernels incl. FP8 activation "
                                       "quantisation, whole experts, absorbed MLA, all-reduce latency) give SGLang "
                                       "~120 tokens/s; fused-MoE / block-FP8 GEMMs at one token launch "
                                       "ceil(N/128) programs per matrix, fewer than the 132 SMs (q_a 12, kv_a 5, "
                                       "expert gate/up 4 at TP8), and run far below the fitted bandwidth: not modelled")
def test_deepseek_v3_single_stream_within_30_percent_of_the_published_figure():
    got = estimate(v3()).decode_tokens_per_s
    assert got == pytest.approx(PUBLISHED_TOKENS_PER_S, rel=0.30)


def test_mixtral_single_stream_within_30_percent_of_the_published_figure():
    s = Scenario(model=presets.model("mixtral-8x7b"), hardware=presets.device("m2-max"), devices=1,
                 weights="q4_0", kv="fp16", prompt=0, generate=128, runtime="llama-cpp-metal")
    e = estimate(s)
    assert e.weight_bytes / 2**30 == pytest.approx(24.62, rel=0.01)  # the file llama-bench loaded
    assert e.decode_tokens_per_s == pytest.approx(MIXTRAL_M2_MAX_Q4_0_TG128, rel=0.30)
    # And it is the experts' physics that gets it there: reading all eight experts would be ~3× slower.
    dense_read = s.model.params_total / s.model.params_active
    assert dense_read > 3
