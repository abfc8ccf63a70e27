"""Runtime profiles: each parameter sourced, defaults per device class, and what they do to time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.core.engine.estimate import decode_step_time, estimate, saturated
from explorer.core.engine.resolved import resolve
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario, ScenarioError


def scen(model="llama-2-7b", hw="h100-sxm", **kw) -> Scenario:
    return Scenario(model=presets.model(model), hardware=presets.device(hw), **kw)


REQUIRED = ("ideal", "llama-cpp-cuda", "llama-cpp-metal", "mlx", "vllm", "tensorrt-llm", "transformers")


def test_every_required_runtime_ships_with_sources():
    table = presets.runtimes()
    for rid in REQUIRED:
        rt = table[rid]
        assert rt.sources, f"{rid} names no sources"
    # Every tuned figure of a non-ideal runtime says where it comes from.
    for rid in REQUIRED[1:]:
        rt = table[rid]
        for param in ("eta_memory", "eta_compute"):
            assert param in rt.sources, f"{rid}.{param} has no source"


@pytest.mark.parametrize("hw, want", [("rtx-4090", "llama-cpp-cuda"), ("m2-ultra", "llama-cpp-metal"),
                                      ("h100-sxm", "vllm"), ("a100-80gb-sxm", "vllm")])
def test_default_runtime_per_device_class(hw, want):
    assert estimate(scen(hw=hw)).runtime == want


def test_ideal_is_the_bare_roofline():
    # Llama-2-7B FP16, batch 1, context 0 on an H100 SXM: the ideal step is every byte moved
    # once at the data-sheet 3,350 GB/s, no overhead.
    s = scen(runtime="ideal", prompt=0, generate=1)
    est = estimate(s)
    assert est.tpot_s == pytest.approx(est.bytes_per_token / 3350e9, rel=1e-9)


def test_same_gpu_different_software_gives_different_speed():
    speeds = {rid: estimate(scen(runtime=rid)).decode_tokens_per_s
              for rid in ("ideal", "tensorrt-llm", "vllm", "llama-cpp-cuda", "transformers")}
    assert speeds["ideal"] > speeds["tensorrt-llm"] > speeds["llama-cpp-cuda"] > speeds["transformers"]
    assert speeds["ideal"] > speeds["vllm"] > speeds["transformers"]
    # Eager PyTorch pays ~0.25 ms of Python per layer: on a 7B model (32 layers, 8 ms) that costs
    # more than the 13.5 GB weight stream itself (≈ 5.8 ms at 70 % of 3.35 TB/s), ≈ 14 ms a token.
    # vLLM pays its kernels' τ (19 kernels × 32 layers × 1.42 µs ≈ 0.9 ms) and a serving-fitted
    # 10 µs per running sequence: ≈ 6.7 ms. So eager is under 0.6× vLLM.
    assert speeds["transformers"] < 0.6 * speeds["vllm"]


def test_runtime_that_does_not_run_on_the_device_is_refused_by_name():
    with pytest.raises(ScenarioError, match="llama.cpp \\(Metal\\) does not run on"):
        scen(hw="rtx-4090", runtime="llama-cpp-metal")
    with pytest.raises(ScenarioError, match="unknown runtime 'vlm'.*vllm"):
        scen(runtime="vlm")


def test_scenario_files_without_runtime_still_load_and_runtime_round_trips():
    s = scen(runtime="tensorrt-llm")
    data = json.loads(s.to_json())
    assert data["runtime"] == "tensorrt-llm"
    assert Scenario.from_json(s.to_json()) == s
    del data["runtime"]  # a file saved before runtimes existed
    assert Scenario.from_dict(data).runtime is None


def test_llama_cpp_uses_the_fp16_accumulate_peak_on_geforce():
    # ggml-cuda calls cuBLAS with CUBLAS_COMPUTE_16F: on an RTX 4090 that is the Ada
    # whitepaper's 330.3 dense TFLOPS (FP16 accumulate), not 165.2 (FP32 accumulate).
    r = resolve(scen(hw="rtx-4090", runtime="llama-cpp-cuda"))
    assert (r.peak_key, r.peak_flops) == ("fp16_acc16", pytest.approx(330.3e12))
    r = resolve(scen(hw="rtx-4090", runtime="vllm"))  # PyTorch/cuBLAS default: FP32 accumulate
    assert (r.peak_key, r.peak_flops) == ("fp16", pytest.approx(165.2e12))
    r = resolve(scen(hw="h100-sxm", runtime="llama-cpp-cuda"))  # no separate figure: same rate
    assert r.peak_key == "fp16"


def test_output_tokens_per_s_includes_the_prefill():
    # Plain loop: the prefill of all B prompts, then G−1 decode passes at contexts P … P+G−2.
    B, P, G = 8, 512, 64
    s = scen(runtime="vllm", batch=B, prompt=P, generate=G)
    r = resolve(s)
    est = estimate(s)
    wall = est.ttft_s + sum(float(decode_step_time(r, t)) for t in range(P, P + G - 1))
    assert est.output_tokens_per_s == pytest.approx(B * G / wall, rel=2e-3)
    assert est.output_tokens_per_s < est.total_tokens_per_s  # decode-only figure leaves prefill out


def test_batch_max_fills_memory_or_the_runtime_limit():
    s = saturated(scen(runtime="vllm", prompt=128, generate=128))  # ~0.13 GB of KV per sequence
    assert s.batch == presets.runtime("vllm").max_batch == 256  # vLLM max_num_seqs default
    big = saturated(scen(model="llama-2-70b", hw="h100-sxm", devices=2, runtime="tensorrt-llm",
                         prompt=2048, generate=2048))
    assert estimate(big).fits
    assert not estimate(big.with_(batch=big.batch + 1)).fits


def test_materialised_attention_costs_grow_with_the_square_of_the_prompt():
    # llama.cpp builds of 2023–24 write the n×n FP32 scores of every head and layer (no -fa):
    # between a 512- and a 16,384-token prompt their prefill rate falls much further than a
    # flash-attention runtime's. Current builds default to -fa auto (on for CUDA): no such fall.
    def drop(rid):
        short = estimate(scen(hw="rtx-4090", runtime=rid, prompt=512, generate=0)).prefill_tokens_per_s
        long = estimate(scen(hw="rtx-4090", runtime=rid, prompt=16384, generate=0)).prefill_tokens_per_s
        return long / short
    assert drop("llama-cpp-cuda-2023") < 0.8 * drop("ideal")
    assert presets.runtime("llama-cpp-cuda").attention == "flash"
    assert drop("llama-cpp-cuda") > drop("llama-cpp-cuda-2023")


def test_quantized_decode_pays_the_runtimes_dequantization_cost():
    # The 2023–24 builds: their Q4_0 factor is fitted on 14 rows (the current builds' on 3).
    fp16 = estimate(scen(hw="rtx-4090", runtime="llama-cpp-cuda-2023", prompt=0, generate=128))
    q4 = estimate(scen(hw="rtx-4090", runtime="llama-cpp-cuda-2023", weights="q4_0", prompt=0, generate=128))
    ideal16 = estimate(scen(hw="rtx-4090", runtime="ideal", prompt=0, generate=128))
    ideal4 = estimate(scen(hw="rtx-4090", runtime="ideal", weights="q4_0", prompt=0, generate=128))
    # Ideal: speed-up = byte ratio (≈ 3.5×); llama.cpp reaches clearly less (dequant + launches).
    assert ideal4.decode_tokens_per_s / ideal16.decode_tokens_per_s == pytest.approx(
        ideal16.bytes_per_token / ideal4.bytes_per_token, rel=0.02)
    assert q4.decode_tokens_per_s / fp16.decode_tokens_per_s < 0.85 * (ideal4.decode_tokens_per_s
                                                                       / ideal16.decode_tokens_per_s)


def test_fp4_formats_use_blackwell_fp4_peaks():
    assert presets.number_format("nvfp4").bits_per_weight == 4.5  # E2M1 + FP8 scale per 16
    assert presets.number_format("mxfp4").bits_per_weight == 4.25  # E2M1 + E8M0 scale per 32
    r = resolve(scen(hw="b200", weights="nvfp4", compute="nvfp4"))
    assert r.peak_key == "fp4"
    r = resolve(scen(hw="h100-sxm", weights="mxfp4", compute="mxfp4"))  # no FP4 units: FP8
    assert r.peak_key == "fp8"


def test_apple_variants_cover_the_calibration_rows():
    hw = presets.device("m2-ultra-60c")
    base = presets.device("m2-ultra")
    assert hw.gpu_cores == 60 and hw.bandwidth_gbs == 800
    assert hw.tflops["fp32"] == pytest.approx(base.tflops["fp32"] * 60 / 76, rel=1e-3)
    assert presets.device("m4-max-32c").bandwidth_gbs == 410  # narrower bus than the 40-core's 546
    assert np.isfinite(estimate(scen(hw="m3-max-30c")).decode_tokens_per_s)
