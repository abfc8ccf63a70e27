"""A Hugging Face config.json from a stranger: every number and flag the import reads goes
through the same checks as the app's own model files, and the message names the config's key."""

import json

import pytest

from explorer.core.io.untrusted import FileRefused
from explorer.core.specs.model_import import HF_NUMBERS, load_model_file

LLAMA = {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 32,
         "num_hidden_layers": 32, "intermediate_size": 11008, "vocab_size": 32000, "max_position_embeddings": 4096}
GPT2 = {"model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257}
MIXTRAL = {**LLAMA, "model_type": "mixtral", "num_local_experts": 8, "num_experts_per_tok": 2,
           "num_key_value_heads": 8, "sliding_window": 2048}


def write(tmp_path, base: dict, key: str, raw: str):
    f = tmp_path / "config.json"
    f.write_text(json.dumps({**base, key: 0}).replace(f'"{key}": 0', f'"{key}": {raw}'), encoding="utf-8")
    return f


CASES = [(base, key) for base in (LLAMA, GPT2, MIXTRAL) for key in HF_NUMBERS
         if key in base or (base is LLAMA and key in ("head_dim", "sliding_window"))]


@pytest.mark.parametrize("base,key", CASES, ids=[f"{b['model_type']}-{k}" for b, k in CASES])
@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN", "1e999", "1" + "0" * 400, "-3", "2.5", '"4096"',
                                 "true"])
def test_non_finite_huge_or_wrong_numbers_name_the_key(tmp_path, base, key, raw):
    with pytest.raises(FileRefused) as info:
        load_model_file(str(write(tmp_path, base, key, raw)))
    msg = str(info.value)
    assert msg.startswith("config.json: ") and key in msg and "\n" not in msg and len(msg) < 400, msg


@pytest.mark.parametrize("key", ["tie_word_embeddings", "use_sliding_window"])
@pytest.mark.parametrize("raw", ['"false"', '"true"', "0", "1", "[]"])
def test_flags_must_be_true_or_false_not_a_string_read_as_true(tmp_path, key, raw):
    with pytest.raises(FileRefused, match=f"config.json: .*{key} must be true or false"):
        load_model_file(str(write(tmp_path, MIXTRAL, key, raw)))


def test_float_whole_numbers_and_real_flags_are_accepted(tmp_path):
    f = tmp_path / "config.json"
    f.write_text(json.dumps({**LLAMA, "hidden_size": 4096.0, "tie_word_embeddings": False}))
    m = load_model_file(str(f))
    assert m.d_model == 4096 and m.tied_embeddings is False
