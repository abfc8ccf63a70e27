"""Physics behaviours mutation testing found unguarded (mutmut over explorer/core/physics with the
core's tests: these mutants survived). Each expectation is derived by hand here."""

import numpy as np
import pytest

from explorer.core.physics import flops, memory, parallel, roofline
from explorer.core.specs import presets

FP16 = presets.number_format("fp16")


def test_use_more_bits_is_llama_cpps_integer_rule():
    # llama.cpp: i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2, in C++ integer maths.
    # 32 layers: eighth 4, last from 28, every third from 6.
    assert [i for i in range(32) if memory.use_more_bits(i, 32)] == [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27,
                                                                     28, 29, 30, 31]
    # 36 layers (not a multiple of 8): eighth 4, 7·36 // 8 = 31, every third from 6.
    assert [i for i in range(36) if memory.use_more_bits(i, 36)] == [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27,
                                                                     30, 31, 32, 33, 34, 35]


def test_more_bits_params_by_hand():
    # Llama-2-7B: 16 chosen layers × (attn_v 4096·32·128 + ffn_down 11008·4096).
    assert memory.more_bits_params(presets.model("llama-2-7b")) == 16 * (4096 * 32 * 128 + 11008 * 4096)
    # Mixtral-8x7B: 16 × (4096·8·128 + 8 experts · 14336 · 4096).
    assert memory.more_bits_params(presets.model("mixtral-8x7b")) == 16 * (4096 * 8 * 128 + 8 * 14336 * 4096)
    # DeepSeek-V3, 61 layers: 7 + 8 + 15 = 30 chosen; every down projection of 256 routed + 1 shared.
    assert memory.more_bits_params(presets.model("deepseek-v3")) == 30 * (7168 * 128 * 128 + 257 * 2048 * 7168)


def test_a_dense_model_touches_no_experts_at_any_length():
    got = memory.experts_touched(presets.model("llama-2-7b"), np.array([1.0, 8.0, 64.0]))
    assert got.shape == (3,) and got.dtype == np.float64 and not got.any()


def test_linear_attention_fits_at_every_length_or_none():
    m = presets.model("llama-2-7b").edited(attention="linear")
    state = 32 * 32 * 128**2 * 2  # layers · heads · head_dim² · 2 B per sequence: 32 MiB
    assert memory.context_that_fits(m, FP16, 1, state) == float("inf")
    assert memory.context_that_fits(m, FP16, 1, state - 1) == 0.0
    assert memory.context_that_fits(m, FP16, 2, state * 1.5) == 0.0


@pytest.mark.parametrize("devices, steps", [(1, 0), (2, 2), (3, 4), (4, 6), (8, 14)])
def test_ring_allreduce_takes_two_n_minus_one_steps(devices, steps):
    assert parallel.ring_steps(devices) == steps


def test_allreduce_time_ring_bandwidth_term_plus_hops():
    # 2 devices: 2·(2−1)/2 · 1 MB / 100 GB/s = 10 µs, plus 2(2−1) = 2 hops of 5 µs.
    assert float(parallel.allreduce_time(1e6, 2, 100e9, 5e-6)) == pytest.approx(20e-6)
    assert parallel.allreduce_time(np.array([1e6, 2e6]), 1, 100e9, 5e-6).tolist() == [0.0, 0.0]


def test_attainable_flops_and_ridge_by_hand():
    peak, bw = 1000e12, 2e12  # FLOP/s, B/s
    got = roofline.attainable_flops(np.array([1.0, 100.0, 1000.0]), peak, bw)
    assert got.tolist() == [2e12, 200e12, 1000e12]  # bandwidth × intensity, capped at the peak
    assert roofline.ridge_point(peak, bw) == 500.0  # FLOP per byte where the roofs meet


def test_recomputing_without_a_cache_scales_with_the_batch():
    m = presets.model("llama-2-7b")
    one = flops.decode_step_flops_no_cache(m, 100.0)
    assert float(flops.decode_step_flops_no_cache(m, 100.0, 4)) == pytest.approx(4 * float(one))


# Second mutmut run (physics with the tests above): survivors still open, killed here.

def test_pipeline_fill_is_the_fill_and_drain_count_by_hand():
    from explorer.core.physics.parallel import pipeline_fill
    # N = 4 stages, m = min(N, B) micro-batches: (m + N − 1) / N pass times.
    assert pipeline_fill("pipeline", 4, 8) == 7 / 4
    assert pipeline_fill("pipeline", 4, 2) == 5 / 4
    assert pipeline_fill("pipeline", 2, 1) == 1.0  # one micro-batch through two stages: (1 + 1) / 2
    assert pipeline_fill("tensor", 4, 8) == 1.0 and pipeline_fill("pipeline", 1, 8) == 1.0


def test_max_batch_at_the_edges_of_the_room():
    gib = 2**30
    # 80 GiB usable, 13 GiB weights, 2 GiB reserve, one device: 65 GiB room; 1 GiB per sequence → 65.
    assert memory.max_batch(80 * gib, 13 * gib, 2 * gib, 1 * gib, 1) == 65
    assert memory.max_batch(80 * gib, 13 * gib, 2 * gib, 0.6 * gib, 1) == 108  # 65 / 0.6 = 108.3, whole ones
    assert memory.max_batch(15 * gib, 13 * gib, 2 * gib, 1 * gib, 1) == 0  # exactly no room: none
    assert memory.max_batch(15 * gib + 1, 13 * gib, 2 * gib, 0.5, 1) == 2  # 1 byte of room, ½ B each
    assert memory.max_batch(80 * gib, 13 * gib, 2 * gib, 0.0, 1) == 1_000_000  # no KV per sequence: no limit
    assert memory.max_batch(80 * gib, 13 * gib, 2 * gib, 1.0, 1) == 1_000_000  # capped at a million


def test_q4_k_m_llama_3_8b_stores_4_9_bits_per_weight():
    # Its published GGUF file is 4.92 GB for 8.03 B parameters: 4.9 bits each (the Q6_K tensors).
    bits = memory.effective_bits_per_weight(presets.model("llama-3-8b"), presets.number_format("q4_k_m"))
    assert bits == pytest.approx(4.92e9 * 8 / 8.03e9, rel=0.01)


def test_money_energy_and_counts_read_plainly_at_the_edges():
    from explorer.core.physics import units
    assert units.money(None) == units.energy(None) == "—"
    assert units.money(float("inf")) == units.energy(float("nan")) == "—"
    assert units.money(1234) == "$1,200" and units.energy(2.917) == "2.9 J"
    assert [units.count(x) for x in (1e6, 1e9, 1e12, 1e15)] == ["1 million", "1 billion", "1 trillion",
                                                                "1 quadrillion"]
    assert units.count(2.50e9) == "2.5 billion" and units.count(1.20e6) == "1.2 million"
    assert units.bandwidth(1000e9) == "1,000 GB/s" and units.bandwidth(999.4e9) == "999 GB/s"
    assert units.duration(7200) == "2.0 h" and units.duration(90) == "1.5 min"
    assert units.duration(1e15) == units.UNBOUNDED and units.duration(3_590) == "60 min"
