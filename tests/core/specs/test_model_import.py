"""Hugging Face config.json → ModelSpec: the published configs give the presets' parameter counts."""

import pytest

from explorer.core.specs import presets
from explorer.core.specs.model import SpecError
from explorer.core.specs.model_import import model_from_table

# The relevant keys of the published config.json files (huggingface.co/<repo>/blob/main/config.json).
LLAMA_2_7B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
              "intermediate_size": 11008, "num_attention_heads": 32, "num_hidden_layers": 32,
              "num_key_value_heads": 32, "max_position_embeddings": 4096, "vocab_size": 32000,
              "tie_word_embeddings": False, "rms_norm_eps": 1e-05}
LLAMA_3_8B = {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
              "num_hidden_layers": 32, "num_key_value_heads": 8, "max_position_embeddings": 8192,
              "vocab_size": 128256, "tie_word_embeddings": False}
MIXTRAL = {"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
           "num_hidden_layers": 32, "num_key_value_heads": 8, "max_position_embeddings": 32768,
           "vocab_size": 32000, "num_local_experts": 8, "num_experts_per_tok": 2, "sliding_window": None}
QWEN2_7B = {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28,
            "num_hidden_layers": 28, "num_key_value_heads": 4, "max_position_embeddings": 131072,
            "vocab_size": 152064, "tie_word_embeddings": False, "sliding_window": 131072, "use_sliding_window": False}
GEMMA_2_9B = {"model_type": "gemma2", "hidden_size": 3584, "intermediate_size": 14336, "num_attention_heads": 16,
              "num_hidden_layers": 42, "num_key_value_heads": 8, "head_dim": 256, "max_position_embeddings": 8192,
              "vocab_size": 256000, "sliding_window": 4096}
PHI_3_MINI = {"model_type": "phi3", "hidden_size": 3072, "intermediate_size": 8192, "num_attention_heads": 32,
              "num_hidden_layers": 32, "num_key_value_heads": 32, "max_position_embeddings": 4096,
              "vocab_size": 32064, "tie_word_embeddings": False}
GPT2 = {"model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257,
        "n_inner": None}
MISTRAL_V01 = {"model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
               "num_hidden_layers": 32, "num_key_value_heads": 8, "max_position_embeddings": 32768,
               "vocab_size": 32000, "sliding_window": 4096}


@pytest.mark.parametrize("config, preset, official", [
    (LLAMA_2_7B, "llama-2-7b", 6_738_415_616),  # the HF model card's exact count
    (LLAMA_3_8B, "llama-3-8b", 8_030_261_248),
    (MIXTRAL, "mixtral-8x7b", 46.7e9),
    (QWEN2_7B, "qwen2.5-7b", 7.61e9),
    (GEMMA_2_9B, "gemma-2-9b", 9.24e9),
    (PHI_3_MINI, "phi-3-mini", 3.82e9),
    (GPT2, "gpt-2-124m", 124.44e6),
    (MISTRAL_V01, "mistral-7b", 7.24e9),
])
def test_hf_config_gives_the_published_parameter_count(config, preset, official):
    m = model_from_table(dict(config), "config")
    assert m.params_total == pytest.approx(official, rel=0.01)
    p = presets.model(preset)
    assert (m.layers, m.d_model, m.heads, m.kv_heads, m.hd, m.ffn, m.vocab, m.tied_embeddings) == \
        (p.layers, p.d_model, p.heads, p.kv_heads, p.hd, p.ffn, p.vocab, p.tied_embeddings)
    assert (m.attention, m.window, m.sliding_fraction) == (p.attention, p.window, p.sliding_fraction)


def test_own_format_still_loads():
    m = model_from_table({"layers": 2, "d_model": 64, "heads": 4, "kv_heads": 4, "ffn": 128, "vocab": 100}, "tiny")
    assert m.name == "Custom (tiny)"


@pytest.mark.parametrize("data, fragment", [
    ({"model_type": "bert", "hidden_size": 768}, "not a known family and lacks the standard decoder field(s)"),
    ({"colour": "blue"}, "expected this app's fields (layers, d_model"),
    ({"model_type": "llama", "hidden_size": 4096}, "missing num_attention_heads"),
])
def test_unknown_formats_say_what_was_expected(data, fragment):
    with pytest.raises(SpecError, match=None) as exc:
        model_from_table(data, "x")
    assert fragment in str(exc.value)
