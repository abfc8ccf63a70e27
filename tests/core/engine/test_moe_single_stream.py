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


# Grid under-fill of the block-FP8 GEMMs at one token (examined for issue #18, not modelled).
# vLLM/SGLang run each DeepSeek-V3 linear layer as the Triton kernel w8a8_block_fp8_matmul, whose grid
# is ⌈M/BLOCK_M⌉·⌈N/BLOCK_N⌉ programs (vllm model_executor/layers/quantization/utils/fp8_utils.py;
# SGLang srt/layers/quantization/fp8_kernel.py): with no tuned config file BLOCK_N = the 128-wide weight
# block; the tuned H200 files for these shapes (vllm .../utils/configs/N=…,K=…,device_name=NVIDIA_H200,
# dtype=fp8_w8a8,block_shape=[128,128].json, key "1") pick BLOCK_N = 32 for the narrow matrices and 64
# for the wide ones. fused_moe's gate/up runs one program per 128-wide slice of each active expert's
# output (sglang .../fused_moe_triton/configs/E=257,N=256,device_name=NVIDIA_H200,…: BLOCK_SIZE_N 128 at
# M = 1). Per GPU at tensor parallel 8 (q_a and kv_a are ReplicatedLinear in models/deepseek_v2.py of
# both runtimes; the rest split 8 ways):
#   matrix           N      K     layers  programs tuned / default
_BLOCK_FP8_TP8 = [("q_a", 1536, 7168, 61, 48, 12), ("kv_a", 576, 7168, 61, 18, 5),
                  ("q_b", 3072, 1536, 61, 96, 24), ("o", 7168, 2048, 61, 112, 56),
                  ("shared gate/up", 512, 7168, 58, 16, 4), ("shared down", 7168, 256, 58, 112, 56),
                  ("dense gate/up", 4608, 7168, 3, 36, 36), ("dense down", 7168, 2304, 3, 56, 56),
                  ("routed gate/up ×8", 8 * 512, 7168, 58, 32, 32)]
H200_SMS = 132  # NVIDIA H100 Tensor Core GPU Architecture whitepaper: 132 SMs on the SXM5 part (H200: same GH100)


def _underfill_ms(column: int, share: float = 1.0) -> float:
    """Extra ms a token if each program streams ``share`` of one SM's share of the fitted bandwidth
    (η·B/132): a matrix of b bytes on c programs takes b/(η·B)·132/(c·share) instead of b/(η·B)."""
    bw = 0.70 * 4.8e12  # SGLang's η_memory × the H200's 4.8 TB/s; FP8: one byte a weight
    extra = 0.0
    for row in _BLOCK_FP8_TP8:
        n, k, layers, programs = row[1], row[2], row[3], row[column]
        extra += layers * n * k / bw * max(0.0, H200_SMS / (programs * share) - 1)
    return extra * 1e3


def test_grid_underfill_of_block_fp8_gemms_cannot_close_the_deepseek_gap_at_one_sms_share():
    # The program counts are ⌈N / BLOCK_N⌉ with the tiles above, by hand:
    for _, n, _, _, tuned, default in _BLOCK_FP8_TP8[:6]:
        assert default == -(-n // 128)
        assert tuned == -(-n // (32 if n < 7168 else 64))
    assert _BLOCK_FP8_TP8[-1][4] == 8 * (512 // 128)
    # One matrix by hand: kv_a (576 × 7168 FP8 = 4.13 MB) at 3.36 TB/s is 1.23 µs on the whole chip;
    # on 5 programs (default tiles) 132/5 × that = 32.4 µs, on 18 (tuned) 9.0 µs.
    assert 576 * 7168 / 3.36e12 * 132 / 5 == pytest.approx(32.4e-6, rel=0.01)
    tuned, default = _underfill_ms(4), _underfill_ms(5)
    assert tuned == pytest.approx(3.05, abs=0.01) and default == pytest.approx(8.40, abs=0.01)
    # Added to the model's time a token, neither brings DeepSeek-V3 within 30 % of the published 30.29:
    ms = 1e3 / estimate(v3()).decode_tokens_per_s
    assert ms == pytest.approx(8.14, abs=0.05)
    for extra in (tuned, default):
        assert 1e3 / (ms + extra) > 1.3 * PUBLISHED_TOKENS_PER_S  # 89 and 60 tokens/s vs 30.29
    # Only if each program of the untuned tiles streamed about half a share (≈ 13 GB/s) would the gap
    # close to 30 %: at half a share 8.14 + 18.1 ms → 38 tokens/s, inside 1.3 × 30.29 = 39.4; the tuned
    # tiles stay outside even then (8.14 + 7.4 ms → 64 tokens/s). Little's law says a program streams
    # more than a share, not less: the default tiles keep 2 stages × 128 × 128 B = 32 KB in flight, i.e.
    # 32 KB / 13 GB/s = 2.5 µs of latency per round trip against ~400 cycles (0.23 µs at 1.755 GHz) for
    # an H100 global-memory load (pmc.ncbi.nlm.nih.gov/articles/PMC10448217, Table 3: an approximate figure).
    assert _underfill_ms(5, share=0.5) == pytest.approx(18.08, abs=0.01)
    assert 1e3 / (ms + _underfill_ms(5, share=0.5)) < 1.3 * PUBLISHED_TOKENS_PER_S
    assert 1e3 / (ms + _underfill_ms(4, share=0.5)) > 1.3 * PUBLISHED_TOKENS_PER_S
    assert 32 * 1024 / 13e9 > 10 * 400 / 1.755e9


@pytest.mark.xfail(strict=True, reason="known gap, ~4x: the model gives SGLang 8.1 ms a token (~123 tokens/s): "
                                       "5.9 ms of kernels × τ (2,761 incl. FP8 activation quantisation), 1.4 ms "
                                       "of bytes (whole experts, absorbed MLA), 0.8 ms of all-reduce latency; "
                                       "published ~33 ms. Not modelled: block-FP8 / fused-MoE grid under-fill at "
                                       "one token, 3.1 ms (tuned H200 tiles) to 8.4 ms (default 128-wide tiles) "
                                       "at one SM's share of bandwidth per program (test above); 16-22 ms a "
                                       "token remain without a named cause")
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
