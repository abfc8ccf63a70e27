"""Latent attention (DeepSeek-V3) under tensor parallelism: every rank keeps the whole latent cache.

Hand derivation: DeepSeek-V3 caches one 512-value latent + one 64-value RoPE key per token per
layer (config.json: kv_lora_rank 512, qk_rope_head_dim 64, 61 layers), shared by all 128 heads.
Tensor parallelism splits the heads, but each rank's heads read the same latent, so vLLM keeps
the whole cache on every rank: the KV memory per device is the full cache, not 1/8 of it.
"""

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def _ds(**kw):
    base = dict(model=presets.model("deepseek-v3"), hardware=presets.device("h200"), weights="fp8-e4m3",
                kv="fp16", compute="fp8-e4m3", devices=8, parallel="tensor", prompt=4096, generate=512)
    base.update(kw)
    return Scenario(**base)


def test_latent_cache_is_not_divided_by_the_tensor_split():
    e = estimate(_ds(batch=1))
    per_token = 61 * (512 + 64) * 2  # bytes, FP16
    kv_seq = per_token * (4096 + 512)
    assert abs(e.kv_cache_bytes - kv_seq) / kv_seq < 0.01
    # one more sequence adds its whole cache to every device's memory, not an eighth of it
    more = estimate(_ds(batch=2)).memory_needed_per_device - e.memory_needed_per_device
    assert abs(more - kv_seq) / kv_seq < 0.01

def test_max_batch_follows_the_whole_cache_per_device():
    one = estimate(_ds(batch=1))
    kv_seq = 61 * (512 + 64) * 2 * (4096 + 512)
    reserve = one.memory_needed_per_device - one.weight_bytes / 8 - kv_seq
    room = one.memory_usable_per_device - one.weight_bytes / 8 - reserve
    assert one.max_batch == int(room // kv_seq)  # not room // (kv_seq / 8)
    # and the batch one above it does not fit on a device
    over = estimate(_ds(batch=one.max_batch + 1))
    assert not over.fits


def test_crossover_uses_latent_attentions_own_widths():
    """n* = P / (layers with attention · per-pair FLOPs ÷ 4). DeepSeek-V3 scores with 192-wide
    query/key (128 + 64 RoPE) and 128-wide values per head: 2·128·(192 + 128) FLOPs per pair,
    not 4·128·128; so n* is 0.8× what the ordinary-attention formula would give."""
    from explorer.core.physics import flops

    m = presets.model("deepseek-v3")
    per_pair = 2 * 128 * (128 + 64 + 128)
    assert flops.attention_crossover(m) == pytest.approx(m.matmul_params_per_token / (61 * per_pair / 4), rel=1e-9)
    assert flops.attention_crossover(m) < m.matmul_params_per_token / (61 * 128 * 128)
