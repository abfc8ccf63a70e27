"""A model architecture from a file: the project's own format (ModelSpec's fields) or a Hugging
Face ``config.json`` (Llama 2/3.x, Mistral, Mixtral, Qwen2, Qwen3, Qwen3-MoE, gpt-oss, DeepSeek-V2/V3,
Gemma-2, Phi-3 and GPT-2 families). A ``model_type`` outside these whose config has the standard decoder
fields imports as a standard decoder, with a one-line note in the model's ``source``.

The HF mapping follows ``transformers``' configuration classes (LlamaConfig, MistralConfig,
MixtralConfig, Qwen2Config, Gemma2Config, Phi3Config, GPT2Config) and their defaults:
hidden_size → d_model, num_attention_heads → heads, num_key_value_heads → kv_heads (default:
heads), head_dim (default d_model / heads), intermediate_size → ffn, num_hidden_layers →
layers, vocab_size, tie_word_embeddings, max_position_embeddings → max_context,
sliding_window, num_local_experts / num_experts_per_tok (Mixtral, gpt-oss), num_experts /
moe_intermediate_size (Qwen3-MoE), n_routed_experts / n_shared_experts / first_k_dense_replace and the
latent-attention ranks kv_lora_rank, q_lora_rank, qk_rope_head_dim, qk_nope_head_dim, v_head_dim
(DeepSeek-V2/V3). GPT-2 uses n_embd, n_head,
n_layer, n_inner (default 4·n_embd), n_positions. Anything not in a config (norm kind, biases,
the MLP's shape) comes from the family.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from explorer.core.io import untrusted
from explorer.core.specs.checks import collect, flag, number, show
from explorer.core.specs.model import COUNT_MAX, SHAPE_MAX, ModelSpec, SpecError

# model_type → what the family fixes and what its config class defaults to.
FAMILIES: dict[str, dict[str, Any]] = {
    "llama": {"tied": False},
    "mistral": {"tied": False, "sliding": 1.0},
    "mixtral": {"tied": False, "sliding": 1.0},
    "qwen2": {"tied": False, "attn_bias": "qkv"},
    "gemma2": {"tied": True, "norms_per_layer": 4, "sliding": 0.5, "sliding_default": 4096},
    "phi3": {"tied": False},
    "gpt2": {"tied": True},
    "qwen3": {"tied": False},
    "qwen3_moe": {"tied": False},
    "gpt_oss": {"tied": False, "attn_bias": "qkv", "sliding": 0.5},
    "deepseek_v2": {"tied": False},
    "deepseek_v3": {"tied": False},
}
STANDARD = "llama"  # what an unknown model_type with the standard decoder fields is read as
OWN_FIELDS = ("layers", "d_model", "heads", "kv_heads", "ffn", "vocab")
HF_FIELDS = ("hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size", "vocab_size")
# Every config.json number the import reads, with the ModelSpec field whose range it takes; a number
# read must be whole (1.0 counts), finite and in range, and the message names the config's own key.
HF_NUMBERS = {"hidden_size": "d_model", "n_embd": "d_model", "num_attention_heads": "heads", "n_head": "heads",
              "num_key_value_heads": "kv_heads", "num_hidden_layers": "layers", "n_layer": "layers",
              "intermediate_size": "ffn", "n_inner": "ffn", "vocab_size": "vocab",
              "max_position_embeddings": "max_context", "n_positions": "max_context", "head_dim": "head_dim",
              "sliding_window": "window", "num_local_experts": "experts", "num_experts_per_tok": "active_experts"}
HF_FLAGS = ("tie_word_embeddings", "use_sliding_window")


def check_hf_fields(data: dict) -> None:
    """The same checks as the app's own model files, on the config's own keys (None: not given)."""
    limits = {**SHAPE_MAX, **COUNT_MAX}
    problems = []
    for key, field in HF_NUMBERS.items():
        v = data.get(key)
        if v is None:
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        problems.append(number(key, v, 0 if field in COUNT_MAX else 1, limits[field], integer=True,
                               zero_ok=field in COUNT_MAX))
    problems += [flag(key, data[key]) for key in HF_FLAGS if data.get(key) is not None]
    found = collect(*problems)
    if found:
        raise SpecError("config.json: " + "; ".join(found))


def is_hf_config(data: dict) -> bool:
    return "model_type" in data or "architectures" in data or "hidden_size" in data or "n_embd" in data


def model_from_table(data: Any, stem: str = "model") -> ModelSpec:
    """Either format; an unknown one says which fields each format expects."""
    if not isinstance(data, dict):
        raise SpecError("a model file must hold one table (JSON object)")
    if is_hf_config(data):
        return from_hf_config(data, stem)
    if any(k in data for k in OWN_FIELDS):
        return ModelSpec.from_dict({"id": "custom", "name": f"Custom ({stem[:60]})", **data})
    raise SpecError("not a model description: expected this app's fields (" + ", ".join(OWN_FIELDS)
                    + ") or a Hugging Face config.json (model_type and " + ", ".join(HF_FIELDS) + ")")


def _need(data: dict, *keys: str) -> Any:
    for k in keys:
        if data.get(k) is not None:
            return data[k]
    raise SpecError(f"config.json is missing {keys[0]}")


def from_hf_config(data: dict, stem: str = "model") -> ModelSpec:
    kind = str(data.get("model_type", "")).lower()
    note = ""
    if kind not in FAMILIES:
        missing = [k for k in HF_FIELDS if data.get(k) is None]
        if missing:
            raise SpecError(f"config.json model_type {kind or '(none)'!r} is not a known family and lacks the "
                            f"standard decoder field(s) {', '.join(missing)} (known: " + ", ".join(sorted(FAMILIES)) + ")")
        note = (f"model_type {kind[:40] or '(none)'!r} is not a family this app knows: read as a standard decoder "
                "(gated MLP, RMSNorm, no biases; only the config's sizes)")
    fam = FAMILIES.get(kind, FAMILIES[STANDARD])
    check_hf_fields(data)
    name = str(data.get("_name_or_path") or stem)[:80]
    if kind == "gpt2":
        d = _need(data, "n_embd", "hidden_size")
        positions = int(_need(data, "n_positions", "max_position_embeddings"))
        fields = dict(layers=_need(data, "n_layer", "num_hidden_layers"), d_model=d,
                      heads=_need(data, "n_head", "num_attention_heads"), ffn=data.get("n_inner") or 4 * d,
                      vocab=_need(data, "vocab_size"), gated=False, norm="layernorm", attn_bias="all",
                      mlp_bias=True, learned_positions=positions, max_context=positions)
        fields["kv_heads"] = fields["heads"]
    else:
        heads = _need(data, "num_attention_heads")
        fields = dict(layers=_need(data, "num_hidden_layers"), d_model=_need(data, "hidden_size"), heads=heads,
                      kv_heads=data.get("num_key_value_heads") or heads, ffn=_need(data, "intermediate_size"),
                      vocab=_need(data, "vocab_size"), max_context=data.get("max_position_embeddings") or 4096)
        if data.get("head_dim"):
            fields["head_dim"] = data["head_dim"]
        if fam.get("attn_bias"):
            fields["attn_bias"] = fam["attn_bias"]
        if fam.get("norms_per_layer"):
            fields["norms_per_layer"] = fam["norms_per_layer"]
        window = data.get("sliding_window", fam.get("sliding_default"))
        use_window = data.get("use_sliding_window", True) is not False
        if fam.get("sliding") and window and use_window and int(window) < int(fields["max_context"]):
            fields.update(attention="sliding", window=int(window), sliding_fraction=fam["sliding"])
        if kind == "mixtral" or data.get("num_local_experts"):
            fields.update(experts=_need(data, "num_local_experts"),
                          active_experts=_need(data, "num_experts_per_tok", "experts_per_token"), expert_ffn=fields["ffn"])
        elif data.get("num_experts") or data.get("n_routed_experts"):  # Qwen3-MoE, DeepSeek
            fields.update(experts=_need(data, "n_routed_experts", "num_experts"),
                          active_experts=_need(data, "num_experts_per_tok"),
                          expert_ffn=_need(data, "moe_intermediate_size"),
                          shared_experts=data.get("n_shared_experts") or 0,
                          dense_layers=data.get("first_k_dense_replace") or 0)
        if data.get("kv_lora_rank"):  # multi-head latent attention (DeepSeek-V2/V3)
            fields.update(kv_lora_rank=data["kv_lora_rank"], q_lora_rank=data.get("q_lora_rank") or 0,
                          qk_rope_dim=_need(data, "qk_rope_head_dim"), v_head_dim=_need(data, "v_head_dim"),
                          head_dim=_need(data, "qk_nope_head_dim"))
    fields["tied_embeddings"] = bool(data.get("tie_word_embeddings", fam["tied"]))
    for k, v in fields.items():
        if isinstance(v, float) and v.is_integer():
            fields[k] = int(v)
    return ModelSpec(id="custom", name=f"Custom ({name})", based_on=f"Hugging Face config.json ({kind or 'no model_type'})",
                     source=note, **fields)


def load_model_file(path: str) -> ModelSpec:
    """A model from a JSON or TOML file in either format; a refusal is one line naming the file
    and the field (``untrusted.FileRefused``)."""
    def build(data):
        if not isinstance(data, dict):
            raise SpecError(f"must hold one table with the model's fields (got {show(data)})")
        return model_from_table(data, Path(path).stem)

    return untrusted.load(path, build)
