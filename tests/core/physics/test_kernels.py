"""Kernels per pass, counted by hand from the layer's operations."""

from __future__ import annotations

import pytest

from explorer.core.physics import kernels
from explorer.core.specs import presets


def test_a_dense_llama_layer_is_19_kernels_with_flash_attention_21_without():
    # norm 2, q k v 3, rope 2, cache writes 2, attention 1 (or KQ, softmax, KQV 3), out 1, add 1;
    # MLP: norm 2, gate 1, up 1, act 1, down 1, add 1.
    assert kernels.dense_layer(flash=True) == 2 + 3 + 2 + 2 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1
    assert kernels.dense_layer(flash=False) == 21
    assert kernels.per_pass(presets.model("llama-2-7b")) == 32 * 19


def test_mixture_of_experts_and_latent_attention_issue_more_kernels_per_layer():
    mixtral = presets.model("mixtral-8x7b")  # 32 routed layers, no shared expert
    assert kernels.per_pass(mixtral) == 32 * (12 + 16)
    v3 = presets.model("deepseek-v3")  # 61 layers of latent attention; 3 dense MLPs, 58 routed + 1 shared
    assert kernels.per_pass(v3) == 61 * (12 + 6) + 3 * 7 + 58 * (16 + 4)


def test_fixed_time_is_kernels_times_tau_plus_the_pass():
    m = presets.model("llama-2-7b")
    assert kernels.fixed_time(m, 2.0, 3.0, 1.5) == pytest.approx(32 * 19 * 5.0e-6 + 1.5e-3)
    assert kernels.fixed_time(m, 0.0, 0.0, 0.0) == 0.0
