"""Bytes: weights, KV cache, traffic per step, and whether it all fits.

Vectorized over context length ``t`` and batch ``B`` (numpy broadcasting). Byte counts are
float64 so 10¹³ parameters or 10⁷-token contexts cannot overflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # types only: physics sits above specs in the layers
    from explorer.core.specs.formats import NumberFormat
    from explorer.core.specs.model import ModelSpec

ArrayLike = np.ndarray | float | int


def _f(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def use_more_bits(layer: int, layers: int) -> bool:
    """llama.cpp ``use_more_bits`` (src/llama-quant.cpp): the first and last eighth of the
    layers and every third one between get more bits in the _M k-quant mixes (integer maths
    as in C++; 16 of 32 layers)."""
    eighth = layers // 8
    return layer < eighth or layer >= 7 * layers // 8 or (layer - eighth) % 3 == 2


def more_bits_params(model: ModelSpec) -> float:
    """Parameters llama.cpp's Q4_K_M stores at Q6_K: attn_v and ffn_down of the
    ``use_more_bits`` layers (MoE: every expert's down projection)."""
    attn_v = model.d_model * model.kv_heads * model.hd
    if model.is_moe:
        down = (model.experts + model.shared_experts) * model.expert_ffn * model.d_model
    else:
        down = model.ffn * model.d_model
    chosen = sum(use_more_bits(i, model.layers) for i in range(model.layers))
    return float(chosen * (attn_v + down))


def body_bytes(model: ModelSpec, weights: NumberFormat) -> float:
    """Bytes of everything but the embedding table and LM head (layers, final norm)."""
    body = model.params_total - model.embedding_params - model.lm_head_params
    if not weights.more_bits:
        return body * weights.bytes_per_value
    more = more_bits_params(model)
    return (body - more) * weights.bytes_per_value + more * weights.more_bits / 8.0


def _edge_bytes(model: ModelSpec, weights: NumberFormat) -> float:
    """Embedding table + LM head. GGUF (llama.cpp) stores the output tensor as Q6_K in 4-bit
    files — and, when the model ties it to the embeddings, the shared table."""
    if model.tied_embeddings:
        return model.embedding_params * weights.output_bytes_per_value
    return (model.embedding_params * weights.embedding_bytes_per_value
            + model.lm_head_params * weights.output_bytes_per_value)


def weight_bytes(model: ModelSpec, weights: NumberFormat) -> float:
    """All stored parameters at the weight format's real bits per weight (scales included);
    the embedding table at ``embedding_bits`` and the LM head at ``output_bits`` (16-bit for
    AWQ/GPTQ and FP8 checkpoints; Q6_K for the output tensor of GGUF Q4 files), and GGUF _M
    mixes' larger attn_v / ffn_down tensors. Llama-2-7B Q4_0 = 3.56 GiB and Llama-3-8B
    Q4_K_M = 4.58 GiB, as llama-bench prints (tests/core/test_memory_and_estimate.py)."""
    return body_bytes(model, weights) + _edge_bytes(model, weights)


def kv_bytes_per_token(model: ModelSpec, kv: NumberFormat) -> float:
    """2 · layers · kv_heads · head_dim · bytes — what one more token adds to the cache."""
    return model.kv_elements_per_token * kv.bytes_per_value


def cached_tokens_per_layer(model: ModelSpec, t: ArrayLike) -> np.ndarray:
    """Tokens held per layer, averaged: sliding layers keep at most W (a rolling buffer)."""
    t = _f(t)
    if model.attention == "linear":
        return np.zeros_like(t)
    held = model.global_layers * t
    if model.sliding_layers:
        held = held + model.sliding_layers * np.minimum(t, model.window)
    return held / model.layers


def state_bytes(model: ModelSpec, kv: NumberFormat, batch: ArrayLike = 1) -> np.ndarray:
    """The fixed recurrent state of linear attention for ``batch`` sequences, stored in the
    KV-cache format (0 for softmax attention): the one definition of its size."""
    return _f(batch) * model.state_elements * kv.bytes_per_value


def kv_cache_bytes(model: ModelSpec, kv: NumberFormat, t: ArrayLike, batch: ArrayLike = 1) -> np.ndarray:
    """KV cache for ``batch`` sequences of ``t`` tokens (linear attention: its fixed state)."""
    if model.attention == "linear":
        return state_bytes(model, kv, batch) * np.ones_like(_f(t))
    return _f(batch) * kv_bytes_per_token(model, kv) * cached_tokens_per_layer(model, t)


def experts_touched(model: ModelSpec, tokens: ArrayLike) -> np.ndarray:
    """Expected distinct routed experts per layer hit by ``tokens`` tokens, each picking k of E.

    With uniform routing a token misses a given expert with probability 1 − k/E, so
    E[unique] = E · (1 − (1 − k/E)^tokens). Dense models: 0.
    """
    if not model.is_moe:
        return np.zeros_like(_f(tokens))
    e, k = model.experts, model.active_experts
    return e * (1.0 - (1.0 - k / e) ** _f(tokens))


def weight_bytes_read(model: ModelSpec, weights: NumberFormat, tokens: ArrayLike) -> np.ndarray:
    """Weight bytes streamed by one forward pass over ``tokens`` tokens (a decode step at batch
    B has B tokens). Dense models read every matrix once; MoE reads only the experts touched.
    The embedding table is a lookup: only one row per token is read."""
    tokens = _f(tokens)
    stored = model.params_total - model.embedding_params - model.lm_head_params  # layers + final norm
    per_param = body_bytes(model, weights) / stored  # mixes (Q4_K_M) averaged over the body
    body: np.ndarray | float = float(stored)
    if model.is_moe:
        routed_all = model.moe_layers * model.experts * model.expert_params
        body = body - routed_all + model.moe_layers * experts_touched(model, tokens) * model.expert_params
    else:
        body = body + np.zeros_like(tokens)
    # The LM head (tied or not) is read whole every pass; the embedding table one row per token.
    rows = np.minimum(tokens, model.vocab) * model.d_model
    emb = weights.output_bytes_per_value if model.tied_embeddings else weights.embedding_bytes_per_value
    return body * per_param + model.lm_head_matmul_params * weights.output_bytes_per_value + rows * emb


def dequant_copy_bytes(model: ModelSpec, weights: NumberFormat) -> float:
    """Bytes a dequantize-then-matmul prefill moves in kernels of their own, before its GEMMs: every
    quantized layer matrix read (at its own bits) and written out as an FP16 copy for cuBLAS (2 bytes
    a weight) — llama.cpp CUDA builds of 2023–24 ran quantized prefill this way (ggml-cuda.cu:
    ggml_get_to_fp16_cuda on src0, then cublasGemmEx on the copy). cuBLAS's own read of the copy
    is the GEMM's, hidden under its compute. 0 for 16- and 32-bit weights (no copy)."""
    if weights.bits_per_weight >= 16:
        return 0.0
    body = model.params_total - model.embedding_params - model.lm_head_params
    return body_bytes(model, weights) + 2.0 * body


def context_that_fits(model: ModelSpec, kv: NumberFormat, batch: float, room_bytes: float) -> float:
    """Largest context t whose KV cache for ``batch`` sequences fits in ``room_bytes``:
    the inverse of :func:`kv_cache_bytes` (piecewise linear: global layers grow with t,
    sliding layers stop at W). ``inf`` when the cache never outgrows the room."""
    if room_bytes < 0:
        return 0.0
    if model.attention == "linear":
        return float("inf") if float(kv_cache_bytes(model, kv, 0, batch)) <= room_bytes else 0.0
    x = room_bytes / (batch * kv_bytes_per_token(model, kv))  # tokens held per layer, averaged
    g, sl, layers = model.global_layers, model.sliding_layers, model.layers
    if not sl or x <= model.window:
        return x
    if not g:
        return float("inf")
    return (x * layers - sl * model.window) / g


def memory_needed(weights_b: ArrayLike, kv_b: ArrayLike, reserve_b: ArrayLike, devices: int,
                  kv_ways: int | None = None) -> np.ndarray:
    """Bytes needed per device: weights split over ``devices``, the KV cache over ``kv_ways``
    (fewer when KV heads are replicated), plus the runtime reserve."""
    return _f(weights_b) / devices + _f(kv_b) / (kv_ways or devices) + reserve_b


def kv_room(usable_b: float, weights_b: float, reserve_b: float, devices: int, kv_ways: int | None = None) -> float:
    """Total KV-cache bytes (all devices, as if unsplit) that fit beside the weights."""
    return (usable_b - reserve_b - weights_b / devices) * (kv_ways or devices)


def max_batch(usable_b: float, weights_b: float, reserve_b: float, kv_per_seq_b: float, devices: int,
              kv_ways: int | None = None) -> int:
    """Largest batch whose weights + KV cache + reserve fit the usable memory of every device."""
    room = kv_room(usable_b, weights_b, reserve_b, devices, kv_ways)
    if room <= 0:
        return 0
    if kv_per_seq_b <= 0:
        return 1_000_000
    return int(min(room // kv_per_seq_b, 1_000_000))


def effective_bits_per_weight(m: ModelSpec, fmt: NumberFormat) -> float:
    """The weight file's bits over its parameter count: above the format's own figure where some
    tensors are stored wider (Q4_K_M's Q6_K tensors, Q4_0's Q6_K output, 16-bit embeddings of AWQ
    and FP8 checkpoints) — 4.89 for Llama-3-8B in Q4_K_M, as its 4.92 GB file says."""
    return weight_bytes(m, fmt) * 8.0 / m.params_total
