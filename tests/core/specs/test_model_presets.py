"""The shipped model presets (``explorer/data/models.toml``) against published figures.

Every expected number below is written here, with where it is published, rather
than read back from the TOML: the presets are the code under test.
"""

from __future__ import annotations

import re

import pytest

from explorer.core.specs import presets
from explorer.core.specs.model import ModelSpec

# Published total parameter counts (stored weights), one per required preset.
OFFICIAL_PARAMS: dict[str, float] = {
    # openai/gpt-2 repo lists the small model as 124M; the released checkpoint holds
    # 124,439,808 weights (GPT-2 paper Table 2 reported 117M under an older count).
    "gpt-2-124m": 124_439_808,
    # GPT-2 XL, "1.5B" (GPT-2 paper Table 2: 1542M); released gpt2-xl checkpoint:
    # 1,557,611,200 weights (HF's displayed 1.61B adds the attn.bias mask buffers).
    "gpt-2-1.5b": 1_557_611_200,
    # Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1: 175.0B.
    "gpt-3-175b": 175.0e9,
    # Hugging Face model pages (meta-llama/*), safetensors parameter counts.
    "llama-2-7b": 6.74e9,
    "llama-2-13b": 13.0e9,
    "llama-2-70b": 69.0e9,  # Llama 2 paper Table 1 rounds to "70B"; HF shows 69B
    "llama-3-8b": 8.03e9,
    "llama-3-70b": 70.6e9,
    "llama-3.1-8b": 8.03e9,
    "llama-3.1-70b": 70.6e9,
    "llama-3.1-405b": 406e9,  # HF meta-llama/Llama-3.1-405B: 406B (Llama 3 paper: 405B)
    # HF mistralai/Mistral-7B-v0.1 safetensors: 7.24B (Mistral's announcement: 7.3B).
    "mistral-7b": 7.24e9,
    # Mistral AI, "Mixtral of experts" (Dec 2023): "46.7B total parameters".
    "mixtral-8x7b": 46.7e9,
    # Qwen2.5 model cards on Hugging Face, "Number of Parameters".
    "qwen2.5-7b": 7.61e9,
    "qwen2.5-72b": 72.7e9,
    # Gemma 2 paper (arXiv:2408.00118) Table 1, 9B: 8,324,201,984 non-embedding
    # + 917,504,000 embedding parameters.
    "gemma-2-9b": 8_324_201_984 + 917_504_000,
    # HF microsoft/Phi-3-mini-4k-instruct safetensors: 3.82B (Phi-3 report: 3.8B).
    "phi-3-mini": 3.82e9,
    # Hugging Face model pages, safetensors parameter counts (meta-llama/*, codellama/*,
    # google/gemma-2-27b); Qwen2.5 model cards, "Number of Parameters".
    "llama-3.2-1b": 1.24e9,
    "llama-3.2-3b": 3.21e9,
    "llama-3.3-70b": 70.6e9,
    "codellama-34b": 33.7e9,
    "qwen2.5-14b": 14.7e9,
    "qwen2.5-32b": 32.5e9,
    "gemma-2-27b": 27.2e9,
    # DeepSeek-V3 Technical Report (arXiv:2412.19437): 671B total (without the 14B MTP module).
    "deepseek-v3": 671e9,
}

# Mistral AI, "Mixtral of experts" (Dec 2023): "it only uses 12.9B parameters per token".
MIXTRAL_ACTIVE_PARAMS = 12.9e9

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


@pytest.fixture(scope="module")
def models() -> dict[str, ModelSpec]:
    return presets.models()


def test_every_required_model_is_shipped(models: dict[str, ModelSpec]) -> None:
    missing = sorted(set(OFFICIAL_PARAMS) - set(models))
    assert not missing, f"presets missing: {missing}"


@pytest.mark.parametrize("model_id", sorted(OFFICIAL_PARAMS))
def test_total_params_within_1pct_of_official(models: dict[str, ModelSpec], model_id: str) -> None:
    official = OFFICIAL_PARAMS[model_id]
    computed = models[model_id].params_total
    assert abs(computed - official) / official < 0.01, (
        f"{model_id}: computed {computed:,} vs official {official:,.0f}"
    )


def test_mixtral_active_params(models: dict[str, ModelSpec]) -> None:
    spec = models["mixtral-8x7b"]
    assert spec.is_moe and spec.experts == 8 and spec.active_experts == 2
    active = spec.params_active
    assert abs(active - MIXTRAL_ACTIVE_PARAMS) / MIXTRAL_ACTIVE_PARAMS < 0.01, f"{active:,}"
    assert active < spec.params_total


def test_kv_elements_per_token_llama_2_7b(models: dict[str, ModelSpec]) -> None:
    # Multi-head attention (Llama-2-7b-hf config.json: 32 layers, 32 heads of 128):
    # 2 (K and V) · 32 · 32 · 128 = 262,144 elements, the widely quoted 0.5 MiB of FP16
    # KV cache per token. NVIDIA Technical Blog, "Mastering LLM Techniques: Inference
    # Optimization" (2023): Llama 2 7B, FP16, batch 1, 4096 tokens -> 1·4096·2·32·4096·2
    # bytes ≈ 2 GB, i.e. 512 KiB per token.
    assert models["llama-2-7b"].kv_elements_per_token == 2 * 32 * 32 * 128 == 262_144
    assert models["llama-2-7b"].kv_elements_per_token * 2 == 512 * 1024  # bytes in FP16


def test_kv_elements_per_token_llama_3_8b(models: dict[str, ModelSpec]) -> None:
    # Grouped-query attention with 8 KV heads (Meta-Llama-3-8B config.json:
    # num_key_value_heads 8): 2 · 32 layers · 8 · 128 = 65,536 elements = 128 KiB in FP16.
    assert models["llama-3-8b"].kv_elements_per_token == 2 * 32 * 8 * 128 == 65_536
    assert models["llama-3-8b"].kv_elements_per_token * 2 == 128 * 1024


def test_sliding_window_presets(models: dict[str, ModelSpec]) -> None:
    # Mistral 7B v0.1: sliding window 4096 on every layer (Mistral 7B paper, Table 1).
    mistral = models["mistral-7b"]
    assert (mistral.attention, mistral.window, mistral.sliding_layers) == ("sliding", 4096, 32)
    # Gemma 2: local (4096) and global attention alternate (Gemma 2 paper, section 2).
    gemma = models["gemma-2-9b"]
    assert (gemma.attention, gemma.window, gemma.sliding_layers, gemma.global_layers) == (
        "sliding", 4096, 21, 21)


@pytest.mark.parametrize("model_id", sorted(presets.models()))
def test_preset_id_source_and_round_trip(models: dict[str, ModelSpec], model_id: str) -> None:
    spec = models[model_id]
    assert ID_PATTERN.match(model_id), f"preset ID {model_id!r} is not lower-case kebab-case"
    assert spec.id == model_id
    assert spec.name.strip()
    assert spec.source.strip(), f"{model_id} has no source"
    if spec.official_params:
        assert spec.official_params_source.strip(), f"{model_id} cites no source for its official count"
    assert ModelSpec.from_dict(spec.to_dict()) == spec


def test_unknown_model_suggests_closest() -> None:
    with pytest.raises(presets.UnknownPreset) as info:
        presets.model("llama-2-7bb")
    assert "llama-2-7b" in str(info.value)
    assert "llama-2-7b" in info.value.valid


def test_deepseek_v3_latent_attention_and_experts(models: dict[str, ModelSpec]) -> None:
    m = models["deepseek-v3"]
    # Technical report: "37B activated for each token" (we count 37.55B: the report rounds).
    assert abs(m.params_active - 37e9) / 37e9 < 0.02
    # MLA caches (d_c + d_h^R) · l values per token (DeepSeek-V2 paper, Table 1): (512 + 64) · 61.
    assert m.kv_elements_per_token == (512 + 64) * 61
    # Ordinary attention with 128 heads of 128 would cache 2 · 61 · 128 · 128 values: 57× more.
    assert 2 * 61 * 128 * 128 / m.kv_elements_per_token == pytest.approx(56.9, abs=0.1)
    # 3 dense layers + 58 MoE layers.
    assert m.moe_layers == 58
