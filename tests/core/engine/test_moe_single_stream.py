"""Mixture of experts with latent attention at batch 1: the kernel count moves the estimate the
right way, and the gap to a published single-stream figure is held here, not hidden.

Published figure: SGLang v0.4.1.post2 release notes (github.com/sgl-project/sglang/pull/2643,
2024-12-29), DeepSeek-V3 on 8×H200 with tensor parallel 8, CUDA graphs and FP8 GEMM tuning:
"batch 1, input 128, output 256: 30.29 token/s". (No constant here was tuned to it.)
"""

from __future__ import annotations

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.engine.resolved import resolve
from explorer.core.physics import kernels
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

PUBLISHED_TOKENS_PER_S = 30.29


def v3() -> Scenario:
    return Scenario(model=presets.model("deepseek-v3"), hardware=presets.device("h200"), devices=8,
                    weights="fp8-e4m3", kv="fp8-e4m3", prompt=128, generate=256, runtime="vllm")


def test_deepseek_v3_pays_for_twice_the_kernels_of_a_dense_layer():
    r = resolve(v3())
    tau = presets.runtime("vllm").decode_kernel_us * 1e-6
    # 61 layers of latent attention (18 kernels each), 3 dense MLPs (7) and 58 routed ones with a
    # shared expert (20): 2,279 kernels a step, by hand.
    assert r.decode_overhead == pytest.approx(2279 * tau + presets.runtime("vllm").pass_ms * 1e-3)
    assert kernels.per_pass(v3().model) / v3().model.layers > 1.9 * kernels.dense_layer()


@pytest.mark.xfail(strict=True, reason="known gap: FP8 block-scaled and fused-MoE kernels at one token, and "
                                       "the all-reduce latency per layer, are not modelled; the estimate is ~5x "
                                       "the published single-stream figure")
def test_deepseek_v3_single_stream_within_30_percent_of_the_published_figure():
    got = estimate(v3()).decode_tokens_per_s
    assert got == pytest.approx(PUBLISHED_TOKENS_PER_S, rel=0.30)
