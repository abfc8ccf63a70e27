"""FLOP counts and attention "relationships" — functions of the architecture and token counts only.

All functions take numpy arrays (or scalars) of token counts and return float64 arrays, so a
sweep over 10⁶ points is one call. Precision never enters here: a multiply-add is 2 FLOPs in
any number format.

Conventions (Kaplan et al. 2020, "Scaling Laws", Table 1; Chinchilla appendix F):
- a matmul with a weight of P parameters costs 2·P FLOPs per token;
- causal self-attention for a query at position i attending to s keys costs 2·s·head_dim for
  QKᵀ and 2·s·head_dim for A·V, per head: 4·s·head_dim·heads per layer;
- at inference only the last prompt position needs logits, so prefill pays the LM head once
  per sequence; every decode step pays it once per sequence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # a type only: physics sits above specs in the layers
    from explorer.core.specs.model import ModelSpec

ArrayLike = np.ndarray | float | int


def _f(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


# -- the essay's "relationships" ----------------------------------------------------------
def relationships_per_head(model: ModelSpec, n: ArrayLike) -> np.ndarray:
    """Token pairs one head scores for a sequence of n tokens: n² for full attention.

    The essay counts the full n×n score matrix (100 tokens → 10,000). Sliding-window layers
    score at most W keys per query (n·min(n, W)); linear attention scores no pairs at all.
    Averaged over layers for mixed models.
    """
    n = _f(n)
    if model.attention == "linear":
        return np.zeros_like(n)
    full = model.global_layers * n * n
    windowed = model.sliding_layers * n * np.minimum(n, model.window or 1)
    return (full + windowed) / model.layers


def relationships_per_layer(model: ModelSpec, n: ArrayLike) -> np.ndarray:
    """h · n² — every head scores every pair. These are score *entries*, not work: at fixed
    d_model, more heads are thinner (d_head = d_model / h), so the attention FLOPs per pair
    (4·h·d_head) do not change with h."""
    return model.heads * relationships_per_head(model, n)


def relationships_per_forward(model: ModelSpec, n: ArrayLike) -> np.ndarray:
    """L · h · n² — over all layers of one forward pass."""
    return model.layers * relationships_per_layer(model, n)


# -- attention spans ----------------------------------------------------------------------
def _causal_pairs(n: np.ndarray, window: float | None) -> np.ndarray:
    """Σ_{i=1..n} min(i, W): key-query pairs of causal attention over a prompt of n tokens."""
    if window is None:
        return n * (n + 1) / 2
    w = float(window)
    k = np.minimum(n, w)
    return k * (k + 1) / 2 + np.maximum(n - w, 0) * w


def attention_flops_prefill(model: ModelSpec, n: ArrayLike) -> np.ndarray:
    """Causal attention FLOPs for a prompt of n tokens (all layers, one sequence)."""
    n = _f(n)
    per_pair = model.attn_flops_per_key  # QKᵀ + A·V, per (query, key) pair, per layer
    if model.attention == "linear":
        # Linear attention: each token updates a head_dim × head_dim state and reads it.
        return model.layers * n * 4.0 * model.heads * model.hd * model.hd
    pairs = model.global_layers * _causal_pairs(n, None)
    if model.sliding_layers:
        pairs = pairs + model.sliding_layers * _causal_pairs(n, model.window)
    return per_pair * pairs


def attention_flops_decode(model: ModelSpec, t: ArrayLike) -> np.ndarray:
    """Attention FLOPs for one new token when t tokens are already cached (one sequence)."""
    t = _f(t)
    per_key = model.attn_flops_per_key_decode  # latent attention: the absorbed form
    if model.attention == "linear":
        return model.layers * 4.0 * model.heads * model.hd * model.hd * np.ones_like(t)
    keys = model.global_layers * (t + 1)
    if model.sliding_layers:
        keys = keys + model.sliding_layers * np.minimum(t + 1, model.window)
    return per_key * keys


def attention_crossover(model: ModelSpec) -> float:
    """n* where causal attention's work equals the weights' work: n* = P / (L_g · h · d_head).

    Prefill of n tokens costs 2·P·n for the weights (P = matmul parameters per token) and
    4·h·d_head per (query, key) pair per layer over n²/2 causal pairs, i.e. 2·L_g·h·d_head·n²
    (L_g = layers with full attention). They are equal at n = P / (L_g·h·d_head); the same n*
    holds for cumulative generation with a KV cache (2·P·n + 2·L_g·h·d_head·n²). Below n* the
    weights dominate and costs grow ~n (prefill, cached generation); above it attention's n²
    takes over. ``inf`` when no layer has full attention (sliding window everywhere, linear).
    Llama-2-7B: 6.48·10⁹ / (32·32·128) ≈ 49k tokens.
    """
    if model.global_layers == 0:
        return float("inf")
    # attn_flops_per_key is 4·h·d_head for ordinary attention; latent attention's query/key and
    # value widths differ (head_dim + rope vs v_head_dim), so take its own per-pair cost.
    return model.matmul_params_per_token / (model.global_layers * model.attn_flops_per_key / 4.0)


# -- whole passes ----------------------------------------------------------------------------
def linear_flops_per_token(model: ModelSpec) -> float:
    """2 · (weights each token is multiplied by) — the O(p) part."""
    return 2.0 * model.matmul_params_per_token


def lm_head_flops(model: ModelSpec) -> float:
    return 2.0 * model.lm_head_matmul_params


def prefill_flops(model: ModelSpec, n: ArrayLike, batch: ArrayLike = 1) -> np.ndarray:
    """Forward pass over n prompt tokens: 2·P·n + LM head (last position) + causal attention."""
    n = _f(n)
    per_seq = linear_flops_per_token(model) * n + lm_head_flops(model) + attention_flops_prefill(model, n)
    return _f(batch) * np.where(n > 0, per_seq, 0.0)


def decode_step_flops(model: ModelSpec, t: ArrayLike, batch: ArrayLike = 1) -> np.ndarray:
    """One generated token per sequence at context t (KV cache holds t tokens)."""
    per_seq = linear_flops_per_token(model) + lm_head_flops(model) + attention_flops_decode(model, t)
    return _f(batch) * per_seq


def decode_step_flops_no_cache(model: ModelSpec, t: ArrayLike, batch: ArrayLike = 1) -> np.ndarray:
    """Without a KV cache the whole prefix (t tokens + the new one) is re-run for every token."""
    return prefill_flops(model, _f(t) + 1, batch)


def generation_flops(model: ModelSpec, prompt: ArrayLike, generate: ArrayLike,
                     kv_cache: bool = True, batch: ArrayLike = 1) -> np.ndarray:
    """Cumulative FLOPs to generate ``generate`` tokens after a ``prompt``-token prefix.

    Closed form of Σ_{t=prompt}^{prompt+generate-1} step(t) (full attention; sliding layers
    use the exact clipped sum), excluding the prefill itself. With a KV cache each step is
    a + b·t, so the sum grows ~m² once attention dominates; without one each step re-runs a
    prefill of t+1 tokens (a·t + b·t²), so the sum grows ~m³.
    """
    p, m = _f(prompt), _f(generate)
    lin = linear_flops_per_token(model)
    head = lm_head_flops(model)
    if kv_cache:
        attn = _sum_over_steps(lambda t: attention_flops_decode(model, t), p, m, model)
        total = m * (lin + head) + attn
    else:
        # step(t) = prefill(t+1) = lin·(t+1) + head + attn_prefill(t+1); sum t = p..p+m-1.
        s1 = _range_sum(p + 1, m)
        attn = _sum_over_steps(lambda t: attention_flops_prefill(model, t + 1), p, m, model)
        total = lin * s1 + m * head + attn
    return _f(batch) * total


def _range_sum(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Σ_{k=start}^{start+count-1} k (closed form, float64)."""
    end = start + count
    return (end * (end - 1) - start * (start - 1)) / 2


def _sum_over_steps(step, p: np.ndarray, m: np.ndarray, model: ModelSpec) -> np.ndarray:
    """Σ_{t=p}^{p+m-1} step(t) for a step cost that is a polynomial of degree ≤ 2 in t on each
    side of the sliding-window edge (exact up to float rounding, O(1) per point).

    The quadratic f(a+k) = f₀ + c₁k + c₂k² is recovered from samples at k = 0, h, 2h with h
    about half the range (wide spacing keeps the differences well conditioned), then summed
    with Σk and Σk². For sliding-window models the range is split at the window edge.
    """
    p, m = np.broadcast_arrays(_f(p), _f(m))

    def poly_sum(a: np.ndarray, cnt: np.ndarray) -> np.ndarray:
        h = np.maximum(1.0, np.floor((cnt - 1) / 2))
        f0, fh, f2h = step(a), step(a + h), step(a + 2 * h)
        c2 = (f2h - 2 * fh + f0) / (2 * h * h)
        c1 = (fh - f0) / h - c2 * h
        s1 = cnt * (cnt - 1) / 2
        s2 = (cnt - 1) * cnt * (2 * cnt - 1) / 6
        quad = cnt * f0 + c1 * s1 + c2 * s2
        short = f0 + np.where(cnt >= 2, step(a + 1), 0.0)  # 1 or 2 terms: sum them directly
        return np.where(cnt >= 3, quad, np.where(cnt > 0, short, 0.0))

    if not model.sliding_layers:
        return poly_sum(p, m)
    # Split where t + 1 reaches the window: both pieces are polynomials on their own side.
    edge = float(model.window)
    first = np.clip(edge - p, 0, m)
    return poly_sum(p, first) + poly_sum(p + first, m - first)
