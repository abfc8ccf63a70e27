"""How many requests fit: the serving scheduler counts the same memory as the single-stream
estimate's "fits · max batch" (the runtime's usable share and reserve), so the readout and the
Serving tab agree; a runtime that sizes its own pool (SGLang) says so with its own fraction."""

import math

import pytest

from explorer.core import serving
from explorer.core.engine.estimate import estimate
from explorer.core.serving.scheduler import scheduler
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

GiB = 1024**3


def test_llama_cpp_on_a_4090_admits_the_readouts_max_batch_derived_by_hand():
    s = default_scenario()  # Llama 2 7B, FP16, RTX 4090 (24 GiB), llama.cpp: prompt 1,024 + 256 generated
    assert s.hardware.id == "rtx-4090" and s.prompt + s.generate == 1280
    weights = 2 * s.model.params_total  # FP16
    kv_per_token = 2 * 32 * 4096 * 2  # K and V, 32 layers, 4,096 wide, 2 bytes
    room = 24 * GiB * 1.0 - 1.5 * GiB - weights  # llama.cpp: no utilisation cap, 1.5 GiB kept free
    by_hand = math.floor(room / (1280 * kv_per_token))  # 1,280 tokens = 80 blocks of 16 exactly
    assert by_hand == 15
    assert estimate(s).max_batch == by_hand
    assert scheduler(s).kv_slots(1280) == by_hand
    assert serving.curve(s, serving.default_loads(s, 8)).capacity_requests == pytest.approx(by_hand)


def test_sglang_sizes_its_own_pool():
    s = default_scenario().with_(hardware=presets.device("h100-sxm"), runtime="sglang")
    vllm = s.with_(runtime="vllm")
    # 0.88 of 80 GiB for SGLang (--mem-fraction-static), 0.9 for vLLM (gpu_memory_utilization)
    assert scheduler(s).kv_slots(1280) < scheduler(vllm).kv_slots(1280) == estimate(vllm).max_batch
