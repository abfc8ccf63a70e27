"""Hugging Face config.json files of the families the issue names import, with their sizes (figures
from each model's published config.json, written here by hand)."""

import pytest

from explorer.core.specs.model import SpecError
from explorer.core.specs.model_import import from_hf_config

QWEN3_8B = {"model_type": "qwen3", "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8,
            "head_dim": 128, "intermediate_size": 12288, "num_hidden_layers": 36, "vocab_size": 151936,
            "max_position_embeddings": 40960, "tie_word_embeddings": False}
QWEN3_30B_A3B = {"model_type": "qwen3_moe", "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 4,
                 "head_dim": 128, "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
                 "num_experts_per_tok": 8, "num_hidden_layers": 48, "vocab_size": 151936,
                 "max_position_embeddings": 40960}
GPT_OSS_20B = {"model_type": "gpt_oss", "hidden_size": 2880, "num_attention_heads": 64, "num_key_value_heads": 8,
               "head_dim": 64, "intermediate_size": 2880, "num_local_experts": 32, "num_experts_per_tok": 4,
               "num_hidden_layers": 24, "vocab_size": 201088, "sliding_window": 128,
               "max_position_embeddings": 131072}
DEEPSEEK_V3 = {"model_type": "deepseek_v3", "hidden_size": 7168, "num_attention_heads": 128,
               "num_key_value_heads": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048,
               "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8, "first_k_dense_replace": 3,
               "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128,
               "v_head_dim": 128, "num_hidden_layers": 61, "vocab_size": 129280, "max_position_embeddings": 163840}
LLAMA_31_8B = {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8,
               "intermediate_size": 14336, "num_hidden_layers": 32, "vocab_size": 128256,
               "max_position_embeddings": 131072, "rope_scaling": {"rope_type": "llama3", "factor": 8.0}}


def test_qwen3_imports_with_its_own_head_dim():
    m = from_hf_config(QWEN3_8B)
    assert (m.layers, m.d_model, m.heads, m.kv_heads, m.hd) == (36, 4096, 32, 8, 128)
    assert 8.0e9 < m.params_total < 8.4e9  # Qwen3-8B: 8.2B parameters (model card)


def test_qwen3_moe_imports_its_experts():
    m = from_hf_config(QWEN3_30B_A3B)
    assert (m.experts, m.active_experts, m.expert_ffn) == (128, 8, 768)
    assert 30.0e9 < m.params_total < 31.0e9 and 3.0e9 < m.params_active < 3.6e9  # 30.5B total, 3.3B active


def test_gpt_oss_imports_experts_and_alternating_windows():
    m = from_hf_config(GPT_OSS_20B)
    assert (m.experts, m.active_experts, m.attention, m.window, m.sliding_fraction) == (32, 4, "sliding", 128, 0.5)
    assert 20.0e9 < m.params_total < 22.5e9  # gpt-oss-20b: 21B parameters (model card)


def test_deepseek_v3_imports_latent_attention_and_shared_experts():
    m = from_hf_config(DEEPSEEK_V3)
    assert (m.kv_lora_rank, m.qk_rope_dim, m.shared_experts, m.dense_layers) == (512, 64, 1, 3)
    assert 660e9 < m.params_total < 690e9  # 671B without the multi-token-prediction module


def test_llama_31_imports():
    m = from_hf_config(LLAMA_31_8B)
    assert m.kv_heads == 8 and m.max_context == 131072 and 7.9e9 < m.params_total < 8.1e9


def test_an_unknown_model_type_with_standard_fields_imports_with_a_note():
    m = from_hf_config({**LLAMA_31_8B, "model_type": "brand_new_decoder"})
    assert m.d_model == 4096 and "brand_new_decoder" in m.source and "\n" not in m.source


def test_an_unknown_model_type_without_standard_fields_is_refused_naming_them():
    with pytest.raises(SpecError, match="hidden_size"):
        from_hf_config({"model_type": "mamba_like", "d_model": 768})
