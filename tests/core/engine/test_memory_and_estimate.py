"""Bytes, fit, roofline timing, parallelism and the one-point estimate."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.engine.estimate import (
    decode_step_parts,
    decode_step_time,
    estimate,
    mean_decode,
)
from explorer.core.engine.resolved import resolve
from explorer.core.physics import memory, parallel
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def scen(model="llama-2-7b", hw="rtx-4090", **kw) -> Scenario:
    return Scenario(model=presets.model(model), hardware=presets.device(hw), **kw)


def test_kv_cache_per_token_ground_truths():
    # Llama-2-7B FP16: 2·32·32·128·2 B = 512 KiB per token (NVIDIA, "Mastering LLM Techniques:
    # Inference Optimization", 2023). Llama-3-8B (GQA, 8 KV heads): 128 KiB.
    fp16 = presets.number_format("fp16")
    assert memory.kv_bytes_per_token(presets.model("llama-2-7b"), fp16) == 512 * 1024
    assert memory.kv_bytes_per_token(presets.model("llama-3-8b"), fp16) == 128 * 1024


def _layer_bytes(m, fid):
    """Weight bytes less the embedding table and LM head (kept 16-bit by FP8/INT4 checkpoints)."""
    f = presets.number_format(fid)
    edge = m.embedding_params + m.lm_head_params
    return memory.weight_bytes(m, f) - edge * f.embedding_bytes_per_value


@given(st.sampled_from(["fp32", "fp16", "bf16"]), st.sampled_from(["llama-3-8b", "mixtral-8x7b", "gpt-2-124m"]))
def test_halving_bits_halves_weight_bytes(fid, model):
    m = presets.model(model)
    half = {"fp32": "fp16", "fp16": "fp8-e4m3", "bf16": "int4"}[fid]
    assert _layer_bytes(m, half) == pytest.approx(_layer_bytes(m, fid) / (2 if fid != "bf16" else 4))
    # fp32 -> fp16 halves everything, embeddings included.
    if fid == "fp32":
        assert memory.weight_bytes(m, presets.number_format("fp16")) == pytest.approx(
            memory.weight_bytes(m, presets.number_format("fp32")) / 2)


def test_awq_checkpoint_keeps_embeddings_in_16_bit():
    # Llama-3-8B AWQ/GPTQ INT4 g128: 6.98 B layer weights at 4.156 bits + embed_tokens and lm_head
    # (2 × 128,256 × 4,096) in FP16 ≈ 3.63 + 2.10 = 5.73 GB, the size of published AWQ INT4
    # checkpoints of Llama-3(.1)-8B; quantizing the embeddings too would claim 4.17 GB.
    m = presets.model("llama-3-8b")
    assert memory.weight_bytes(m, presets.number_format("int4-g128")) == pytest.approx(5.73e9, rel=0.01)


def test_ridge_points():
    # A100 40GB: 312 TFLOPS dense FP16 / 1,555 GB/s ≈ 200 FLOP/B (NVIDIA A100 datasheet figures;
    # the "≈200" is the commonly quoted A100 ridge). H100 SXM: 989 / 3,350 ≈ 295 FLOP/B.
    for hw, want in (("a100-40gb-sxm", 200.6), ("h100-sxm", 295.3)):
        d = presets.device(hw)
        peak, _ = d.peak_flops("fp16")
        assert peak / d.bandwidth_bytes_per_s == pytest.approx(want, rel=0.01)


def test_decode_is_memory_bound_at_batch_one_and_time_is_bytes_over_bandwidth():
    # The ideal runtime is the bare roofline: time = bytes / data-sheet bandwidth.
    s = scen().with_(runtime="ideal")
    r = resolve(s)
    parts = decode_step_parts(r, np.array([0, 1000, 4000]))
    assert np.all(parts["bound"] == 0)
    want = parts["bytes"] / (s.hardware.bandwidth_gbs * 1e9)
    np.testing.assert_allclose(parts["time"], want, rtol=1e-12)


def test_runtime_adds_its_launch_cost_and_kernel_efficiency_to_decode():
    # llama.cpp CUDA (2023–24 builds: one launch per op) on an RTX 4090, FP16, batch 1, context 0,
    # written out by hand from runtimes.toml: bytes / (1008 GB/s · η) + 32 layers × 21 kernels
    # (materialised attention) × decode_kernel_us.
    rt = presets.runtime("llama-cpp-cuda-2023")
    s = scen().with_(runtime="llama-cpp-cuda-2023")
    r = resolve(s)
    parts = decode_step_parts(r, np.array([0.0]))
    eta = rt.eta_memory["consumer-gpu"]
    assert rt.decode_kernel_us > 0
    want = parts["bytes"][0] / (1008e9 * eta) + 32 * 21 * rt.decode_kernel_us * 1e-6
    assert parts["time"][0] == pytest.approx(want, rel=1e-9)


def test_large_batch_becomes_compute_bound():
    # Weights are shared by the batch, KV reads are not: with a short context a large batch
    # turns decode compute-bound (with long contexts KV traffic keeps it memory-bound).
    s = scen(hw="h100-sxm", batch=1024, prompt=16, generate=16)
    assert estimate(s).bound == "compute"


def test_mean_decode_matches_plain_loop():
    s = scen(prompt=300, generate=100)
    r = resolve(s)
    want = np.mean([float(decode_step_time(r, t)) for t in range(300, 400)])
    assert float(mean_decode(r, 300, 100)["time"]) == pytest.approx(want, rel=1e-12)
    # Beyond the exact range the trapezoid stays within 0.1 % of the full mean.
    t = np.arange(1000, 1000 + 5000)
    full = decode_step_time(r, t).mean()
    assert float(mean_decode(r, 1000, 5000)["time"]) == pytest.approx(full, rel=1e-3)


def test_tg128_is_mean_over_contexts_0_to_127():
    s = scen(prompt=0, generate=128)
    r = resolve(s)
    want = 1 / np.mean(decode_step_time(r, np.arange(128)))
    assert estimate(s).decode_tokens_per_s == pytest.approx(want, rel=1e-12)


def test_no_kv_cache_is_slower_and_grows_with_context():
    a = estimate(scen(prompt=2000, generate=64))
    b = estimate(scen(prompt=2000, generate=64, kv_cache=False))
    assert b.tpot_s > 10 * a.tpot_s


def test_fit_and_max_batch():
    e = estimate(scen(model="llama-2-70b", hw="h100-sxm"))
    assert not e.fits and e.max_batch == 0  # 138 GB of FP16 weights on one 80 GB card
    e2 = estimate(scen(model="llama-2-70b", hw="h100-sxm", devices=2))
    assert e2.fits and e2.max_batch >= 1
    # max_batch is the boundary: one more sequence does not fit.
    e4 = estimate(scen())
    assert estimate(scen(batch=e4.max_batch)).fits
    assert not estimate(scen(batch=e4.max_batch + 1)).fits


def test_tensor_parallel_allreduce_formula():
    # NCCL ring (Patarasuk & Yuan 2009): 2(N−1) steps of one hop's latency, and 2(N−1)/N · M
    # over the bus bandwidth B. 1 MB over 4 devices at 1 GB/s, 1 µs a hop: 1.5 ms + 6 µs.
    t = parallel.allreduce_time(1e6, 4, 1e9, 1e-6)
    assert float(t) == pytest.approx(2 * 3 / 4 * 1e6 / 1e9 + 6 * 1e-6)
    assert float(parallel.allreduce_time(1e6, 8, 1e9, 1e-6)) == pytest.approx(2 * 7 / 8 * 1e-3 + 14e-6)
    assert float(parallel.allreduce_time(1e6, 1, 1e9, 1e-6)) == 0.0


def test_tensor_parallel_speeds_up_decode_pipeline_does_not():
    one = estimate(scen(model="llama-2-13b", hw="h100-sxm"))
    tp = estimate(scen(model="llama-2-13b", hw="h100-sxm", devices=4, parallel="tensor"))
    pp = estimate(scen(model="llama-2-13b", hw="h100-sxm", devices=4, parallel="pipeline"))
    assert tp.tpot_s < one.tpot_s / 2
    assert pp.tpot_s >= one.tpot_s
    assert tp.memory_needed_per_device < one.memory_needed_per_device / 3


def test_moe_experts_touched():
    m = presets.model("mixtral-8x7b")
    assert float(memory.experts_touched(m, 1)) == pytest.approx(2)
    assert float(memory.experts_touched(m, 1000)) == pytest.approx(8)
    fp16 = presets.number_format("fp16")
    one_token = float(memory.weight_bytes_read(m, fp16, 1))
    # At batch 1 Mixtral streams about its active parameters (12.9B, Mistral AI) — not all 46.7B.
    assert one_token / 2 == pytest.approx(12.9e9, rel=0.03)


def test_estimate_json_has_required_keys():
    keys = ("params_total params_active weight_bytes kv_cache_bytes fits max_batch ttft_s "
            "prefill_tokens_per_s tpot_s decode_tokens_per_s total_tokens_per_s bound "
            "arithmetic_intensity energy_j_per_token usd_per_million_tokens").split()
    d = estimate(scen()).to_dict()
    assert set(keys) <= set(d)


def test_energy_and_cost():
    e = estimate(scen(hw="h100-sxm", price_per_hour=3.6, prompt=0, generate=100))
    total_time = e.ttft_s + 99 * e.tpot_s  # the first token comes with the first pass
    assert e.energy_j_per_token == pytest.approx(700 * total_time / 100)
    assert e.usd_per_million_tokens == pytest.approx(3.6 / 3600 * total_time / 100 * 1e6)


CALIBRATION = Path(__file__).resolve().parents[4] / "shared" / "calibration" / "llamacpp_llama2_7b.csv"


@pytest.mark.skipif(not CALIBRATION.exists(), reason="shared/calibration not beside the checkout")
def test_fp16_decode_within_25_percent_of_llamacpp_on_full_chips():
    # Published llama.cpp tg128 (shared/calibration/llamacpp_llama2_7b.csv, discussion #4167).
    with open(CALIBRATION, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["weights"] == "fp16"
                and r["metric"] == "decode_tokens_per_s" and r["hardware"] in presets.hardware()]
    assert rows
    for r in rows:
        s = scen(hw=r["hardware"], prompt=0, generate=128)
        got = estimate(s).decode_tokens_per_s
        assert abs(got / float(r["value"]) - 1) < 0.25, (r["hardware"], got, r["value"])


def test_everything_finite_for_every_preset_pair():
    for mid in presets.models():
        for hid in ("rtx-4090", "m2-ultra", "h100-sxm", "mi300x"):
            d = estimate(scen(model=mid, hw=hid)).to_dict()
            for k, v in d.items():
                if isinstance(v, float):
                    assert math.isfinite(v), (mid, hid, k)


@pytest.mark.parametrize("kw", [
    {}, {"kv_cache": False}, {"model": "mistral-7b"}, {"model": "gemma-2-9b"},
    {"model": "mixtral-8x7b", "weights": "q4_0"}, {"devices": 4, "hw": "h100-sxm"},
    {"devices": 3, "parallel": "pipeline", "hw": "h100-pcie"},
])
def test_lean_decode_time_equals_detailed_parts(kw):
    s = scen(**kw)
    r = resolve(s)
    t = np.geomspace(1, 1e6, 50)[None, :]
    b = np.array([1, 2, 64, 4096])[:, None]
    np.testing.assert_allclose(decode_step_time(r, t, b), decode_step_parts(r, t, b)["time"], rtol=1e-12)


@pytest.mark.parametrize("model", ["llama-2-7b", "mistral-7b", "gemma-2-9b"])
@pytest.mark.parametrize("batch", [1, 7])
def test_context_that_fits_inverts_kv_cache_bytes(model, batch):
    m = presets.model(model)
    kv = presets.number_format("fp16")
    for room in (1e8, 3e9, 4e10):
        t = memory.context_that_fits(m, kv, batch, room)
        if not math.isfinite(t):
            assert float(memory.kv_cache_bytes(m, kv, 1e9, batch)) <= room
            continue
        assert float(memory.kv_cache_bytes(m, kv, t, batch)) == pytest.approx(room, rel=1e-9)
        assert float(memory.kv_cache_bytes(m, kv, t * 1.01 + 1, batch)) > room


def test_bound_is_the_majority_not_an_average_of_codes():
    # Reviewer's case: a long generation on 8 GPUs over PCIe is interconnect-bound for its early
    # steps and memory-bound later; averaging the codes (2 and 0) used to report "compute".
    s = scen(devices=8, batch=32, prompt=1, generate=4000)
    r = resolve(s)
    parts = decode_step_parts(r, np.arange(1, 4001))
    counts = np.bincount(parts["bound"], minlength=3)
    assert estimate(s).bound == ("memory", "compute", "interconnect")[int(counts.argmax())]
    assert estimate(s).bound != "compute" or counts[1] == counts.max()


def test_kv_heads_replicate_beyond_their_count():
    # Llama-3-8B has 8 KV heads: on 16-way tensor parallel each pair of devices holds the same
    # heads, so the cache per device is total / 8, not total / 16 (vLLM replicates KV heads).
    s = scen(model="llama-3-8b", hw="h100-sxm", devices=16, batch=64, prompt=8192, generate=1)
    e = estimate(s)
    w = e.weight_bytes / 16
    reserve = resolve(s).reserve_bytes
    assert e.memory_needed_per_device == pytest.approx(w + e.kv_cache_bytes / 8 + reserve)


def test_tensor_parallel_needs_divisible_heads():
    from explorer.core.state.scenario import ScenarioError
    with pytest.raises(ScenarioError, match="query heads"):
        scen(model="gpt-2-1.5b", hw="h100-sxm", devices=2)  # 25 heads
    with pytest.raises(ScenarioError, match="layers"):
        scen(model="gpt-2-124m", hw="h100-sxm", devices=16, parallel="pipeline")  # 12 layers


def test_pipeline_micro_batches_help_compute_bound_not_memory_bound_decode():
    # With m = min(N, B) micro-batches each stage stays busy; a pass carries B/m sequences, so
    # memory-bound decode (weights streamed per pass) gains little while compute-bound work
    # divides by m.
    one = estimate(scen(model="llama-2-13b", hw="h100-sxm", batch=1, prompt=16, generate=16))
    pp1 = estimate(scen(model="llama-2-13b", hw="h100-sxm", devices=4, parallel="pipeline", batch=1,
                        prompt=16, generate=16))
    assert pp1.tpot_s >= one.tpot_s  # batch 1: nothing to overlap, plus three hops
    big = dict(model="llama-2-13b", hw="h100-sxm", batch=2048, prompt=16, generate=4)
    single = estimate(scen(**big))
    pp = estimate(scen(devices=4, parallel="pipeline", **big))
    assert single.bound == "compute"
    assert pp.total_tokens_per_s > 3 * single.total_tokens_per_s


# -- GGUF sizes as llama-bench prints them ------------------------------------------------------
@pytest.mark.parametrize("model, fmt, gib", [
    ("llama-2-7b", "q4_0", 3.56),  # llama.cpp README / llama-bench: "llama 7B Q4_0 | 3.56 GiB"
    ("llama-3-8b", "q4_k_m", 4.58),  # llama-bench: "llama 8B Q4_K - Medium | 4.58 GiB"
])
def test_gguf_weight_bytes_match_llama_bench(model, fmt, gib):
    got = memory.weight_bytes(presets.model(model), presets.number_format(fmt)) / 2**30
    assert got == pytest.approx(gib, rel=0.01)


def test_gguf_output_tensor_is_q6_k():
    # Llama-2-7B: the 32000 × 4096 output tensor at 6.5625 bits, the rest at Q4_0's 4.5.
    m = presets.model("llama-2-7b")
    lm = 32000 * 4096
    want = (m.params_total - lm) * 4.5 / 8 + lm * 6.5625 / 8
    assert memory.weight_bytes(m, presets.number_format("q4_0")) == pytest.approx(want)


# -- no KV cache, warnings ----------------------------------------------------------------------
def test_no_kv_cache_removes_kv_bytes_from_memory_fit_and_batch():
    with_cache = estimate(scen(prompt=4000, generate=96, batch=4))
    without = estimate(scen(prompt=4000, generate=96, batch=4, kv_cache=False))
    assert without.kv_cache_bytes == 0 and without.kv_bytes_per_token == 0
    assert without.memory_needed_per_device == pytest.approx(
        with_cache.memory_needed_per_device - with_cache.kv_cache_bytes)
    assert without.max_batch > with_cache.max_batch
    from explorer.core.engine import series
    d = series.memory_traffic(scen(kv_cache=False))
    assert np.all(d.kv == 0) and d.fit_limit is None


def test_warning_when_prompt_and_generation_exceed_the_trained_context():
    assert estimate(scen(prompt=4000, generate=96)).warnings == ()  # exactly 4,096
    w = estimate(scen(prompt=4000, generate=97)).warnings
    assert len(w) == 1 and "4,097" in w[0] and "4,096" in w[0]
