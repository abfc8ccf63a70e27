"""Kernels per forward pass: the part of a step's time that does not shrink with the bytes.

A decode step is many small kernels run one after another. Each streams its bytes at the
bandwidth its design reaches (η) and, whatever its size, pays a fixed time τ: launch or dispatch
(CUDA graphs and Metal command buffers make it small, eager PyTorch makes it large), the ramp-up
and drain of its waves, and on two-die chips a barrier across the die link. So

    time per step = bytes ÷ (bandwidth · η) + kernels · τ

which makes a small model's kernels look slow (τ is a large share of a 7B layer) and a large
model's fast — the size trend a single efficiency cannot follow. τ is per runtime (and per
two-die device); the kernel count per layer is architecture, counted here.

The counts follow the operations of one layer as llama.cpp's graph builder (src/llama-model.cpp:
build_llama, build_deepseek2) and vLLM's model files (llama.py, deepseek_v2.py, fused_moe) issue
them, fused the way those runtimes fuse them (one kernel per matmul, norm, rope, cache write,
activation, residual add). Runtimes that fuse more have a smaller fitted τ; what the counts carry
is the ratio between architectures — a mixture-of-experts layer issues about twice the kernels
of a dense one, and latent attention adds its projections and norms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.core.specs.model import ModelSpec

# One standard attention block: input norm (2: normalise, scale), Q/K/V projections (3), RoPE on
# Q and K (2), K and V written to the cache (2), output projection (1), residual add (1).
ATTENTION_BLOCK = 11
FLASH_ATTENTION = 1  # one fused kernel over the KV cache
MATERIALISED_ATTENTION = 3  # KQ, softmax, KQV as separate kernels
# Latent attention (DeepSeek-V2/V3), absorbed for decode: Q down (q_a) and up (q_b) projections
# with a norm (2) between, the joint KV down-projection (kv_a) and its norm (2), K's and V's
# up-projections absorbed into the query and output (k_b, v_b): 5 matmuls instead of 3, 4 more
# norm kernels.
LATENT_EXTRA = 6
# Dense gated MLP: norm (2), gate and up (2), activation (1), down (1), residual add (1).
DENSE_MLP = 7
# Routed MLP: norm (2), router matmul (1), softmax or sigmoid (1), top-k selection (2: sort,
# view), routing weights gathered and normalised (3), the experts' gate/up/down as grouped
# (fused-MoE / mul_mat_id) matmuls (3), activation (1), weighting (1), the combine of the top-k
# outputs (1), residual add (1).
ROUTED_MLP = 16
SHARED_EXPERT = 4  # a shared expert's gate, up, activation, down (plus its add, counted in combine)

# Dynamic activation quantisation. vLLM and SGLang run an FP8 (or INT8 W8A8) checkpoint's linear
# layers as two kernels: the activation is quantised first, then multiplied — vLLM's
# apply_w8a8_block_fp8_linear calls per_token_group_quant_fp8 and then w8a8_block_fp8_matmul
# (model_executor/layers/quantization/utils/fp8_utils.py), per-tensor FP8 calls scaled_fp8_quant
# before cutlass_scaled_mm (fp8.py), and fused_experts quantises its input and the intermediate
# between its two grouped GEMMs (fused_moe.py). TensorRT-LLM fuses the quantisation into the
# norm or activation before it (no extra kernel). One kernel per distinct matmul input of a layer:
QUANT_ATTENTION = 2  # the normed input of Q/K/V, the attention output into O
QUANT_LATENT = 2  # latent attention adds kv_a (its own ReplicatedLinear on the same input) and q_b
QUANT_MLP = 2  # dense or fused-MoE: the MLP input, and the activation into down / the second GEMM


def attention_kernels(m: "ModelSpec", flash: bool = True) -> int:
    """Kernels of one layer's attention block."""
    core = FLASH_ATTENTION if flash else MATERIALISED_ATTENTION
    return ATTENTION_BLOCK + core + (LATENT_EXTRA if m.is_mla else 0)


def mlp_kernels(m: "ModelSpec", routed: bool) -> int:
    """Kernels of one layer's MLP: dense, or routed to experts (with any shared experts)."""
    if not routed:
        return DENSE_MLP
    return ROUTED_MLP + SHARED_EXPERT * (1 if m.shared_experts else 0)


def quant_kernels(m: "ModelSpec", routed: bool) -> int:
    """Activation-quantisation kernels of one layer (runtimes that quantise in a kernel of their own)."""
    attention = QUANT_ATTENTION + (QUANT_LATENT if m.is_mla else 0)
    mlp = QUANT_MLP * (2 if routed and m.shared_experts else 1)  # a shared expert quantises its own input
    return attention + mlp


def per_pass(m: "ModelSpec", flash: bool = True, act_quant: bool = False) -> float:
    """Kernels of one forward pass over every layer (the LM head and sampling are the runtime's
    per-pass cost, ``pass_ms``); ``act_quant``: the runtime quantises each matmul's activations in a
    kernel of its own (FP8 / W8A8 weights in vLLM and SGLang)."""
    routed_layers = (m.layers - m.dense_layers) if m.experts > 1 else 0
    dense_layers = m.layers - routed_layers
    count = (m.layers * attention_kernels(m, flash) + dense_layers * mlp_kernels(m, False)
             + routed_layers * mlp_kernels(m, True))
    if act_quant:
        count += dense_layers * quant_kernels(m, False) + routed_layers * quant_kernels(m, True)
    return float(count)


def dense_layer(flash: bool = True) -> int:
    """Kernels of one dense Llama layer (the unit the calibration rows measure)."""
    return ATTENTION_BLOCK + (FLASH_ATTENTION if flash else MATERIALISED_ATTENTION) + DENSE_MLP


def fixed_time(m: "ModelSpec", tau_us: float, sync_us: float, pass_ms: float, flash: bool = True,
               act_quant: bool = False) -> float:
    """Seconds a forward pass spends on fixed costs: kernels × (τ of the runtime + the device's
    per-kernel barrier, two-die chips only) + the runtime's cost per pass."""
    return per_pass(m, flash, act_quant) * (tau_us + sync_us) * 1e-6 + pass_ms * 1e-3
