"""Transformer architecture description and what follows from it alone.

A :class:`ModelSpec` is an immutable value. Everything here depends only on the
architecture (not on precision, hardware or workload): parameter counts, the
matrix-multiply parameters that cost FLOPs, and the per-token KV-cache *element*
count (bytes follow once a KV format is chosen, in ``memory.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from explorer.core.specs.checks import NOTE_MAX, choice, collect, flag, number, refuse, text
from explorer.core.specs.fields import check_fields, custom_copy
from explorer.core.specs.frozen import hash_once, state_without_hash

ATTENTION_KINDS = ("full", "sliding", "linear")
BIAS_KINDS = ("none", "qkv", "all")
NORM_KINDS = ("rmsnorm", "layernorm")
PARAMS_MAX = 1e15  # 1,000× the largest published model: beyond it the figures mean nothing
# Whole-number fields and their largest sensible value (shape fields are ≥ 1, counts ≥ 0).
SHAPE_MAX = {"layers": 10_000, "d_model": 1_000_000, "heads": 100_000, "kv_heads": 100_000,
             "ffn": 10_000_000, "vocab": 100_000_000, "max_context": 100_000_000}
COUNT_MAX = {"head_dim": 100_000, "norms_per_layer": 16, "learned_positions": 100_000_000, "experts": 100_000,
             "active_experts": 100_000, "expert_ffn": 10_000_000, "shared_experts": 10_000, "window": 100_000_000,
             "dense_layers": 100_000, "kv_lora_rank": 100_000, "q_lora_rank": 100_000, "qk_rope_dim": 100_000,
             "v_head_dim": 100_000}


class SpecError(ValueError):
    """An architecture that cannot exist (zero layers, heads not dividing, ...)."""


@dataclass(frozen=True)
class ModelSpec:
    """A decoder-only transformer. Field names follow Hugging Face ``config.json`` loosely."""

    id: str
    name: str
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    ffn: int
    vocab: int
    head_dim: int = 0  # 0 = d_model // heads
    gated: bool = True  # SwiGLU/GeGLU MLP (3 matrices) vs plain MLP (2)
    tied_embeddings: bool = False
    norm: str = "rmsnorm"
    norms_per_layer: int = 2
    attn_bias: str = "none"
    mlp_bias: bool = False
    learned_positions: int = 0  # rows of a learned absolute position table (GPT-2/3)
    max_context: int = 4096
    # Mixture of experts (experts == 0: dense MLP of width ``ffn``)
    experts: int = 0
    active_experts: int = 0
    expert_ffn: int = 0
    shared_experts: int = 0
    dense_layers: int = 0  # MoE models: the first layers keep a dense MLP of width ``ffn`` (DeepSeek)
    # Multi-head latent attention (DeepSeek-V2/V3; kv_lora_rank == 0: ordinary attention). K and V
    # are rebuilt from a cached latent of kv_lora_rank values plus a shared RoPE key of
    # qk_rope_dim; head_dim is the per-head no-RoPE query/key width, v_head_dim the value width.
    kv_lora_rank: int = 0
    q_lora_rank: int = 0
    qk_rope_dim: int = 0
    v_head_dim: int = 0
    # Attention variant
    attention: str = "full"
    window: int = 0  # sliding window W (tokens) for the sliding layers
    sliding_fraction: float = 1.0  # share of layers that use the window (Gemma-2: 0.5)
    # Provenance
    based_on: str = ""
    source: str = ""
    official_params: float = 0.0
    official_params_source: str = ""

    __hash__ = hash_once  # hashed once: specs key the step-cost caches
    __getstate__ = state_without_hash

    def __post_init__(self) -> None:
        refuse(self.name, "model", self.problems(), SpecError)

    # -- validation ---------------------------------------------------------
    def problems(self) -> list[str]:
        """Every problem as a phrase naming the field (empty when the architecture can exist)."""
        p = collect(*(number(name, getattr(self, name), 1, hi, integer=True) for name, hi in SHAPE_MAX.items()),
                    *(number(name, getattr(self, name), 0, hi, integer=True) for name, hi in COUNT_MAX.items()),
                    *(flag(name, getattr(self, name)) for name in ("gated", "tied_embeddings", "mlp_bias")),
                    *(text(name, getattr(self, name)) for name in ("id", "name", "based_on")),
                    *(text(name, getattr(self, name), NOTE_MAX) for name in ("source", "official_params_source")),
                    choice("attention", self.attention, ATTENTION_KINDS),
                    choice("attn_bias", self.attn_bias, BIAS_KINDS),
                    choice("norm", self.norm, NORM_KINDS),
                    number("sliding_fraction", self.sliding_fraction, 0.0, 1.0),
                    number("official_params", self.official_params, 0.0, PARAMS_MAX))
        if p:
            return p
        if self.kv_heads > self.heads or self.heads % self.kv_heads:
            p.append(f"kv_heads ({self.kv_heads}) must divide heads ({self.heads})")
        if self.head_dim == 0 and self.d_model % self.heads:
            p.append("head_dim must be given when heads do not divide d_model")
        if self.attention == "sliding" and self.window < 1:
            p.append("a sliding-window model needs window ≥ 1")
        if self.experts:
            if not 1 <= self.active_experts <= self.experts:
                p.append("active_experts must be between 1 and experts")
            if self.expert_ffn < 1:
                p.append("expert_ffn must be ≥ 1 for a mixture-of-experts model")
        if not p and self.params_total > PARAMS_MAX:
            p.append(f"the architecture adds up to {self.params_total:.3g} parameters (at most {PARAMS_MAX:.0e})")
        if not 0 <= self.dense_layers <= self.layers:
            p.append("dense_layers must be between 0 and layers")
        if self.kv_lora_rank and not (self.head_dim and self.v_head_dim):
            p.append("latent attention (kv_lora_rank) needs head_dim and v_head_dim")
        return p

    # -- derived shape --------------------------------------------------------
    @cached_property
    def hd(self) -> int:
        """Head dimension actually used."""
        return self.head_dim or self.d_model // self.heads

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank > 0

    @cached_property
    def attn_params_per_layer(self) -> int:
        if self.is_mla:
            return self._mla_params()
        q = self.heads * self.hd
        kv = self.kv_heads * self.hd
        weights = self.d_model * (q + 2 * kv) + q * self.d_model
        bias = {"none": 0, "qkv": q + 2 * kv, "all": q + 2 * kv + self.d_model}[self.attn_bias]
        return weights + bias

    def _mla_params(self) -> int:
        """DeepSeek-V3 attention: q_a (d→q_lora) + norm + q_b (q_lora→h·(hd+rope)), kv_a
        (d→kv_lora+rope) + norm + kv_b (kv_lora→h·(hd+v)), o (h·v→d)."""
        h, d, qk = self.heads, self.d_model, self.hd + self.qk_rope_dim
        if self.q_lora_rank:
            q = d * self.q_lora_rank + self.q_lora_rank + self.q_lora_rank * h * qk
        else:
            q = d * h * qk
        kv = d * (self.kv_lora_rank + self.qk_rope_dim) + self.kv_lora_rank \
            + self.kv_lora_rank * h * (self.hd + self.v_head_dim)
        return q + kv + h * self.v_head_dim * d

    @property
    def moe_layers(self) -> int:
        """Layers whose MLP is a mixture of experts (all but the first ``dense_layers``)."""
        return self.layers - self.dense_layers if self.is_moe else 0

    @cached_property
    def attn_flops_per_key(self) -> float:
        """FLOPs per (query, key) pair per layer: QKᵀ and A·V over every head. Latent
        attention: the query/key width is head_dim + qk_rope_dim, the value width v_head_dim."""
        if self.is_mla:
            return 2.0 * self.heads * (self.hd + self.qk_rope_dim + self.v_head_dim)
        return 4.0 * self.heads * self.hd

    @property
    def attn_flops_per_key_decode(self) -> float:
        """FLOPs per cached key per layer for one decoding query. Latent attention decodes in the
        absorbed form (DeepSeek-V2 paper §2.1.3; vLLM/SGLang MLA decode kernels): W_UK and W_UV fold
        into the query and output, so each head scores against the latent itself — QKᵀ over
        kv_lora_rank + qk_rope_dim and A·V over kv_lora_rank: 2·h·(2·r + d_rope), 3.4× the
        expanded form's for DeepSeek-V3, in exchange for reading only the latent cache."""
        if self.is_mla:
            return 2.0 * self.heads * (2 * self.kv_lora_rank + self.qk_rope_dim)
        return self.attn_flops_per_key

    def _mlp_params(self, width: int) -> int:
        mats = 3 if self.gated else 2
        bias = ((2 if self.gated else 1) * width + self.d_model) if self.mlp_bias else 0
        return mats * self.d_model * width + bias

    @cached_property
    def mlp_params_per_layer(self) -> int:
        """All MLP parameters stored in one layer (every expert counted)."""
        if not self.is_moe:
            return self._mlp_params(self.ffn)
        router = self.d_model * self.experts
        return (self.experts + self.shared_experts) * self._mlp_params(self.expert_ffn) + router

    @cached_property
    def active_mlp_params_per_layer(self) -> int:
        """MLP parameters one token actually multiplies by (its routed + shared experts)."""
        if not self.is_moe:
            return self._mlp_params(self.ffn)
        router = self.d_model * self.experts
        return (self.active_experts + self.shared_experts) * self._mlp_params(self.expert_ffn) + router

    @cached_property
    def expert_params(self) -> int:
        """Parameters of one routed expert (one layer)."""
        return self._mlp_params(self.expert_ffn) if self.is_moe else 0

    @cached_property
    def norm_params_per_layer(self) -> int:
        return self.norms_per_layer * self.d_model * (2 if self.norm == "layernorm" else 1)

    @cached_property
    def embedding_params(self) -> int:
        """Token embedding table (+ learned position table): looked up, not multiplied."""
        return (self.vocab + self.learned_positions) * self.d_model

    @cached_property
    def lm_head_params(self) -> int:
        """Stored LM-head parameters (0 when tied to the embedding table)."""
        return 0 if self.tied_embeddings else self.vocab * self.d_model

    @cached_property
    def final_norm_params(self) -> int:
        return self.d_model * (2 if self.norm == "layernorm" else 1)

    def _mlp_total(self, per_moe_layer: int) -> int:
        """MLP parameters over all layers: MoE layers at ``per_moe_layer``, dense ones at ``ffn``."""
        if not self.is_moe:
            return self.layers * per_moe_layer
        return self.moe_layers * per_moe_layer + self.dense_layers * self._mlp_params(self.ffn)

    @cached_property
    def params_total(self) -> int:
        per_layer = self.attn_params_per_layer + self.norm_params_per_layer
        return (self.layers * per_layer + self._mlp_total(self.mlp_params_per_layer) + self.embedding_params
                + self.lm_head_params + self.final_norm_params)

    @cached_property
    def params_active(self) -> int:
        """Parameters used for one token (MoE: routed + shared experts only)."""
        per_layer = self.attn_params_per_layer + self.norm_params_per_layer
        return (self.layers * per_layer + self._mlp_total(self.active_mlp_params_per_layer) + self.embedding_params
                + self.lm_head_params + self.final_norm_params)

    @cached_property
    def matmul_params_per_token(self) -> int:
        """Weights each token is multiplied by in the layers (2 FLOPs each); excludes the LM head."""
        return self.layers * self.attn_params_per_layer + self._mlp_total(self.active_mlp_params_per_layer)

    @cached_property
    def lm_head_matmul_params(self) -> int:
        """The logits projection is a d_model × vocab matmul even when tied to the embeddings."""
        return self.vocab * self.d_model

    # -- attention structure ---------------------------------------------------
    @cached_property
    def sliding_layers(self) -> int:
        if self.attention != "sliding":
            return 0
        return round(self.layers * self.sliding_fraction)

    @cached_property
    def global_layers(self) -> int:
        """Layers with full (unbounded) attention."""
        if self.attention == "linear":
            return 0
        return self.layers - self.sliding_layers

    @cached_property
    def kv_elements_per_token(self) -> int:
        """KV-cache elements one token adds across all layers: 2 · layers · kv_heads · head_dim.

        Linear/recurrent attention keeps a fixed state instead (see ``state_elements``).
        """
        if self.attention == "linear":
            return 0
        if self.is_mla:  # one latent + one shared RoPE key per token per layer, no separate V
            return self.layers * (self.kv_lora_rank + self.qk_rope_dim)
        return 2 * self.layers * self.kv_heads * self.hd

    @property
    def kv_shards(self) -> int:
        """How many independent KV streams tensor parallelism can split across devices: one per
        KV head; one for latent attention, whose cached latent is read by every head, so each
        rank holds all of it (vLLM's tensor-parallel MLA replicates the latent cache)."""
        return 1 if self.is_mla else self.kv_heads

    @cached_property
    def state_elements(self) -> int:
        """Fixed recurrent state of linear attention: layers · heads · head_dim² (per sequence)."""
        if self.attention != "linear":
            return 0
        return self.layers * self.heads * self.hd * self.hd

    # -- (de)serialisation ------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelSpec":
        check_fields(cls, data, ("id", "name", "layers", "d_model", "heads", "kv_heads", "ffn", "vocab"), "model",
                     SpecError)
        return cls(**data)

    def edited(self, **changes: Any) -> "ModelSpec":
        """A copy with ``changes``; an edited preset becomes 'Custom (from …)'."""
        return custom_copy(self, changes, official_params=0.0, official_params_source="")
