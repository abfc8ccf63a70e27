"""Formats the model must not treat as free: GGUF K-quants read their real bytes, and a runtime that
dequantizes to an FP16 copy before its GEMMs pays for the copy — while fused and integer paths do not.

File sizes: Hugging Face TheBloke/Llama-2-7B-GGUF (llama.cpp commit bd33e5a), as the hub lists them:
llama-2-7b.Q4_0.gguf 3.83 GB, Q4_K_M 4.08 GB, Q5_K_M 4.78 GB, Q6_K 5.53 GB, Q8_0 7.16 GB.
"""

from __future__ import annotations

import pytest

from dataclasses import replace

from explorer.core.engine.estimate import estimate, prefill_parts
from explorer.core.engine.resolved import resolve
from explorer.core.physics import memory
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

FILE_GB = {"q4_0": 3.83, "q4_k_m": 4.08, "q5_k_m": 4.78, "q6_k": 5.53, "q8_0": 7.16}


def test_k_quant_blocks_as_ggml_common_lays_them_out():
    # block_q5_K: d, dmin (2 × fp16), 12 bytes of scales/mins, 32 bytes of high bits, 128 of nibbles.
    assert presets.number_format("q5_k_m").bits_per_weight == (2 * 2 + 12 + 32 + 128) * 8 / 256
    # block_q6_K: 128 bytes of low nibbles, 64 of 2-bit pairs, 16 int8 scales, one fp16 d.
    assert presets.number_format("q6_k").bits_per_weight == (128 + 64 + 16 + 2) * 8 / 256


@pytest.mark.parametrize("fmt", sorted(FILE_GB))
def test_gguf_file_sizes_of_llama_2_7b(fmt):
    got = memory.weight_bytes(presets.model("llama-2-7b"), presets.number_format(fmt)) / 1e9
    assert got == pytest.approx(FILE_GB[fmt], rel=0.01)


def test_k_quant_decode_pays_for_its_bytes_on_every_llama_cpp_backend():
    """More bits a weight, slower decode: on a bandwidth-bound step the time of the weight stream
    grows with the file (on these two chips the K-quants' unpacking instructions stay hidden under the
    bytes: tests/core/physics/test_dequant_ops.py)."""
    for rt, hw in (("llama-cpp-metal", "m2-max"), ("llama-cpp-cuda", "rtx-4090")):
        s = Scenario(model=presets.model("llama-2-7b"), hardware=presets.device(hw), devices=1, weights="q4_0",
                     kv="fp16", prompt=0, generate=128, runtime=rt)
        speed = {f: estimate(s.with_(weights=f)).decode_tokens_per_s for f in ("q4_0", "q4_k_m", "q5_k_m", "q6_k")}
        assert speed["q4_0"] > speed["q4_k_m"] > speed["q5_k_m"] > speed["q6_k"]
        # Q6_K over Q4_K_M: the time ratio stays below the bytes ratio (fixed kernel time does not grow).
        bytes_ratio = FILE_GB["q6_k"] / FILE_GB["q4_k_m"]
        assert 1.05 < speed["q4_k_m"] / speed["q6_k"] < bytes_ratio


def _prefill(runtime: str, weights: str, hw: str = "rtx-4090", prompt: int = 512) -> Scenario:
    return Scenario(model=presets.model("llama-2-7b"), hardware=presets.device(hw), devices=1, weights=weights,
                    kv="fp16", prompt=prompt, generate=0, runtime=runtime)


def test_dequantize_then_matmul_pays_an_fp16_copy_per_prefill_pass():
    """llama.cpp CUDA builds of 2023–24: each quantized matrix is read and written out as FP16
    (2 bytes a weight) before cuBLAS, once per pass — by hand, at the runtime's weight bandwidth."""
    s = _prefill("llama-cpp-cuda-2023", "q4_0")
    r = resolve(s)
    m = s.model
    body = m.params_total - m.embedding_params - m.lm_head_params
    q4_body = memory.weight_bytes(m, r.weights) - m.embedding_params * 4.5 / 8 - m.lm_head_params * 6.5625 / 8
    copy = q4_body + 2 * body
    assert r.dequant_bytes == pytest.approx(copy, rel=1e-9)
    bw = s.hardware.bandwidth_bytes_per_s * r.eta_memory
    # The copy runs before the GEMMs (serial): the pass takes exactly its memory time longer.
    without = float(prefill_parts(replace(r, dequant_bytes=0.0), 512)["time"])
    assert float(prefill_parts(r, 512)["time"]) - without == pytest.approx(copy / bw, rel=1e-9)
    assert copy / bw > 0.15 * without  # a visible share on an RTX 4090 (~20 ms of ~90 ms)
    # A 16-bit checkpoint makes no copy.
    assert resolve(_prefill("llama-cpp-cuda-2023", "fp16")).dequant_bytes == 0.0


@pytest.mark.parametrize("runtime,weights", [("llama-cpp-cuda", "q4_0"), ("llama-cpp-metal", "q4_0"),
                                             ("vllm", "int4-g128"), ("tensorrt-llm", "int4-g128")])
def test_fused_and_integer_paths_make_no_copy(runtime, weights):
    hw = "m2-max" if runtime == "llama-cpp-metal" else "h100-sxm"
    assert resolve(_prefill(runtime, weights, hw)).dequant_bytes == 0.0


def test_the_copy_weighs_more_on_short_prompts():
    """The copy is per pass, the GEMMs per token: its share of prefill falls as the prompt grows."""
    def share(n):
        r = resolve(_prefill("llama-cpp-cuda-2023", "q4_0", prompt=n))
        bw = r.scenario.hardware.bandwidth_bytes_per_s * r.eta_memory
        return (r.dequant_bytes / bw) / float(prefill_parts(r, n)["time"])
    assert share(64) > share(512) > 0.1


def test_every_runtime_names_its_quantized_matmul_path_with_a_source():
    for rid, rt in presets.runtimes().items():
        if rt.ideal:
            continue
        assert rt.quantized_matmul in ("fused", "integer", "dequantize-then-matmul"), rid
        assert rt.sources.get("quantized_matmul"), f"{rid}: no source for its quantized matmul path"
