"""Engine behaviours mutation testing found unguarded (mutmut over explorer/core/engine with the core
tests: these mutants survived; benchmarks/mutation_notes.md). Each expectation is derived by hand
here, or is a plain loop over the scalar function, never the function's own output."""

import math

import numpy as np
import pytest

from explorer.core.engine import bands, series
from explorer.core.engine.estimate import decode_step_time, estimate, mean_decode, saturated
from explorer.core.engine.resolved import peak_label, resolve, stack
from explorer.core.engine.step import StepTable, chunk_flops, mixed_step_time
from explorer.core.physics import flops, memory
from explorer.core.specs import presets
from explorer.core.specs.calibration import LONG_PROMPT
from explorer.core.state.scenario import Scenario

FP16 = presets.number_format("fp16")


def scen(model="llama-2-7b", hw="h100-sxm", **kw) -> Scenario:
    return Scenario(model=presets.model(model), hardware=presets.device(hw), **kw)


# --- one scheduler step (engine/step.py) -------------------------------------------------------

def _ideal_mixed_by_hand(p, n, ctx, off):
    """The ideal runtime on one H100: one roofline over the step, no overheads, no links.
    FLOPs: the chunk's positions off … off+p−1 plus n decode tokens; bytes: the weights once (the
    32,000 × 4,096 embedding table only one row per token), the chunk's KV up to off+p, and each
    decode's KV at ctx plus its new token (Llama-2-7B FP16)."""
    m = presets.model("llama-2-7b")
    f = (float(flops.prefill_flops(m, off + p)) - float(flops.prefill_flops(m, off))
         + n * float(flops.decode_step_flops(m, ctx)))
    kv_tok = 2 * 32 * 32 * 128 * 2  # K and V · layers · heads · head_dim · 2 B = 512 KiB
    weights = memory.weight_bytes(m, FP16) - 32000 * 4096 * 2 + (p + n) * 4096 * 2
    b = weights + kv_tok * (off + p) + n * kv_tok * (ctx + 1)
    return max(f / 989.4e12, b / 3350e9)


@pytest.mark.parametrize("p, n, ctx, off", [(16, 8, 1000, 0), (4096, 8, 1000, 0), (256, 32, 3000, 512)])
def test_mixed_step_is_one_roofline_over_prompt_chunk_and_decodes(p, n, ctx, off):
    r = resolve(scen(runtime="ideal"))
    got = float(mixed_step_time(r, p, n, ctx, off))
    assert got == pytest.approx(_ideal_mixed_by_hand(p, n, ctx, off), rel=1e-9)


def test_an_empty_step_costs_nothing_and_decodes_alone_cost_a_decode_pass():
    r = resolve(scen(runtime="vllm"))
    assert float(mixed_step_time(r, 0, 0, 500)) == 0.0
    assert float(mixed_step_time(r, 0, 4, 500)) == pytest.approx(float(decode_step_time(r, 500, 4)), rel=1e-12)


def test_mixed_step_adds_the_tensor_parallel_all_reduces_of_every_token():
    # Two H100s, tensor parallel, ideal runtime: the step's all-reduces move (p + n) tokens' activations,
    # 2 per layer; the difference to the same step without them is the link time only. All-reduce of
    # M bytes on N = 2 devices: 2·(N−1)/N·M / link plus the faster of the ring's 2(N−1) = 2 hops and
    # the custom one-shot kernel's one latency (the ideal runtime has every algorithm).
    s = scen(runtime="ideal", devices=2, parallel="tensor")
    r = resolve(s)
    p, n, ctx = 64, 16, 800
    msg = (p + n) * 4096 * 2.0
    link = float(r.link_bandwidth)
    comm = 2 * 32 * (2 * (2 - 1) / 2 * msg / link + min(2 * r.link_latency, r.oneshot_latency))
    half = _ideal_mixed_by_hand(p, n, ctx, 0.0) / 2  # the work split over both devices
    assert float(mixed_step_time(r, p, n, ctx)) == pytest.approx(half + comm, rel=1e-6)


def test_prompt_chunks_add_up_to_the_whole_prefill():
    r = resolve(scen())
    m = r.scenario.model
    whole = float(flops.prefill_flops(m, 700))
    assert float(chunk_flops(r, 300, 0)) + float(chunk_flops(r, 400, 300)) == pytest.approx(whole, rel=1e-12)
    # A later chunk attends to more keys: it costs more than the same number of tokens at the start.
    assert float(chunk_flops(r, 300, 400)) > float(chunk_flops(r, 300, 0))


def test_step_table_reads_the_step_function_at_any_batch_and_context():
    r = resolve(scen(runtime="vllm"))
    tab = StepTable(r, max_seqs=8, max_ctx=4096)
    assert tab.decode(0, 1000.0) == 0.0
    for n in (1, 5, 8):  # every row up to max_seqs, exact at both ends and (linear) in between
        for ctx in (0.0, 1500.0, 4096.0):
            assert tab.decode(n, ctx) == pytest.approx(float(mixed_step_time(r, 0, n, ctx)), rel=1e-9)
    # A mixed step is the step function at the context and offset rounded down to 64 (+32 mid-bucket).
    want = float(mixed_step_time(r, 512, 4, 1500 // 64 * 64 + 32, 1000 // 64 * 64))
    assert tab.mixed(512, 4, 1500.0, 1000.0) == pytest.approx(want, rel=1e-12)
    assert tab.mixed(512, 4, 1500.0, 1000.0) == pytest.approx(want, rel=1e-12)  # memoised: the same
    assert tab.mixed(512, 0, 1500.0, 0.0) == pytest.approx(float(mixed_step_time(r, 512, 0, 0.0, 0.0)), rel=1e-12)


# --- averages and the one-point estimate (engine/estimate.py) ----------------------------------

def test_mean_decode_over_arrays_equals_each_scalar_mean():
    r = resolve(scen())
    prompts = np.array([0.0, 500.0, 2000.0])
    for gen in (1, 129, 300):  # one step; exactly MEAN_SAMPLES steps; the trapezoid beyond
        got = mean_decode(r, prompts, gen)["time"]
        want = [float(mean_decode(r, float(p), float(gen))["time"]) for p in prompts]
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_129_steps_are_averaged_exactly():
    r = resolve(scen())
    want = np.mean([float(decode_step_time(r, t)) for t in range(100, 229)])
    assert float(mean_decode(r, 100, 129)["time"]) == pytest.approx(want, rel=1e-12)


def test_mean_decode_reports_the_pipeline_micro_batch_per_batch():
    # 4-stage pipeline: one pass carries B / min(N, B) sequences (a micro-batch): B = 8 → 2, B = 2 → 1.
    r = resolve(scen(devices=4, parallel="pipeline"))
    got = mean_decode(r, 100, 10, np.array([8.0, 2.0]))["pass_batch"]
    np.testing.assert_allclose(got, [2.0, 1.0])


def test_saturated_batch_is_what_fits_by_hand():
    # Llama-2-7B FP16 on an H100 (ideal runtime): room = usable − weights − reserve, each sequence of
    # 1024 + 256 tokens holds 1280 · 512 KiB of KV.
    s = scen(runtime="ideal")
    r = resolve(s)
    room = r.usable_bytes - memory.weight_bytes(s.model, FP16) - r.reserve_bytes
    want = int(room // (1280 * 512 * 1024))
    assert saturated(s).batch == want
    # Nothing fits (a 70B model in FP16 on one 24 GB card): still a batch of one.
    assert saturated(scen("llama-2-70b", "rtx-4090", runtime="ideal")).batch == 1


def test_moe_and_latent_attention_warn_by_kind():
    moe = estimate(scen("mixtral-8x7b", runtime="vllm")).warnings
    assert any("uses mixture of experts" in w and "not modelled" in w for w in moe)
    mla = estimate(scen("deepseek-v3", runtime="vllm", devices=8, parallel="tensor")).warnings
    assert any("uses latent attention" in w for w in mla)
    assert not any("uses " in w for w in estimate(scen(runtime="vllm")).warnings)  # dense: no warning


def test_estimate_dict_lists_its_warnings():
    s = scen(prompt=4000, generate=1000)  # 5,000 > Llama-2's 4,096 trained tokens
    d = estimate(s).to_dict()
    assert isinstance(d["warnings"], list) and "exceeds" in d["warnings"][0]


# --- resolution (engine/resolved.py) ------------------------------------------------------------

def test_peak_labels():
    assert peak_label("fp16_acc16") == "FP16 (FP16-accumulate)"
    assert peak_label("fp8") == "FP8"


def test_stacked_devices_keep_the_first_scenario_and_drop_a_single_price():
    a, b = resolve(scen(hw="h100-sxm")), resolve(scen(hw="rtx-4090"))
    st = stack([a, b])
    assert st.scenario.hardware.id == "h100-sxm" and st.price_per_hour is None
    assert st.peak_flops.dtype == np.float64 and st.peak_flops[:, 0].tolist() == [a.peak_flops, b.peak_flops]


# --- bands (engine/bands.py) --------------------------------------------------------------------

def test_the_ideal_runtime_has_no_rows_and_says_it_is_the_limit():
    cov = bands.coverage(scen(runtime="ideal"))
    assert (cov.rows, cov.reasons, cov.calibrated) == (0, (), False)
    assert cov.label() == "ideal: the physical limit (no calibration, no band)"
    assert cov.to_dict()["rows_by_metric"] == {}


def test_uncalibrated_reasons_are_named_and_joined():
    cov = bands.coverage(scen("mixtral-8x7b", "rtx-4090", runtime="llama-cpp-cuda-2023"))
    assert "mixture of experts (every row is a dense model)" in cov.reasons
    assert cov.label() == "uncalibrated: " + "; ".join(cov.reasons)
    cov = bands.coverage(scen("deepseek-v3", "rtx-4090", runtime="llama-cpp-cuda-2023"))
    assert "latent attention (every row uses standard attention)" in cov.reasons
    assert bands.coverage(scen("llama-2-7b", "rtx-4090", runtime="llama-cpp-cuda-2023")).reasons == ()


def test_a_prompt_of_exactly_the_long_limit_is_still_covered():
    s = scen("llama-2-7b", "rtx-4090", runtime="llama-cpp-cuda-2023", generate=16)
    assert bands.coverage(s.with_(prompt=LONG_PROMPT)).reasons == ()
    assert bands.coverage(s.with_(prompt=LONG_PROMPT + 1)).reasons == ("a prompt over 8k tokens",)


def test_band_text_and_rows_for_an_unknown_readout():
    assert bands.Band(2.0, 3.0, 4.0).text(str) == "2.0–4.0, typical 3.0"
    assert bands.Band(3.0, 3.0, 3.0).text(str) == "3.0"
    cov = bands.coverage(scen("llama-2-7b", "rtx-4090", runtime="llama-cpp-cuda-2023"))
    assert cov.rows_for("no-such-readout") == 0
    assert cov.rows_for("decode_tokens_per_s") == cov.rows_for("decode") > 0


def test_band_table_by_hand():
    # llama.cpp 2023 on an RTX 4090: speeds × [floor, 1, ceiling], times ÷ [ceiling, 1, floor].
    s = scen("llama-2-7b", "rtx-4090", runtime="llama-cpp-cuda-2023")
    est, cov = estimate(s), bands.coverage(s)
    lo, hi = cov.floor, cov.ceiling
    assert lo < 1 < hi
    t = bands.table(s, est)
    d = est.decode_tokens_per_s
    assert t["decode_tokens_per_s"] == pytest.approx([d * lo, d, d * hi])
    assert t["ttft_s"] == pytest.approx([est.ttft_s / hi, est.ttft_s, est.ttft_s / lo])
    assert bands.time(2.0, cov) == bands.Band(2.0 / hi, 2.0, 2.0 / lo)
    assert bands.table(scen(runtime="ideal"), est)["tpot_s"] is None


# --- plot series (engine/series.py) -------------------------------------------------------------

def test_distinct_drops_repeats():
    assert series.distinct(np.array([1.0, 1.0, 2.0, 5.0, 5.0, 5.0, 9.0])).tolist() == [1.0, 2.0, 5.0, 9.0]
    assert series.distinct(np.array([])).size == 0


def test_loglog_slope_of_powers_over_the_last_decades():
    x = np.geomspace(1, 1e4, 50)
    assert series.loglog_slope(x, x**2) == pytest.approx(2.0, rel=1e-9)
    # x below 1e3 is outside the last decade: a different power there does not count.
    y = np.where(x < 1e3, x, x**3 / 1e6)
    assert series.loglog_slope(x, y) == pytest.approx(3.0, rel=1e-9)
    assert series.loglog_slope(x, y, decades=4) < 3.0
    assert math.isnan(series.loglog_slope(x, np.zeros_like(x)))


def test_length_grid_spans_one_token_to_past_the_interesting_lengths():
    s = scen()
    g = series.length_grid(s)
    n_star = flops.attention_crossover(s.model)
    assert g[0] == 1 and np.all(np.diff(g) > 0) and len(g) <= series.POINTS
    assert g[-1] == pytest.approx(max(1e6, 10 * n_star), rel=1e-6)
    big = s.with_(prompt=3_000_000)
    assert series.length_grid(big)[-1] >= 2 * (3_000_000 + 256) * 0.999


def test_growth_curves_by_hand_at_a_thousand_tokens():
    # Llama-2-7B: a head scores 1000² pairs; the layer's 32 heads 32×; the forward pass 32 layers more.
    s = scen()
    g = series.compute_growth(s, np.array([1000.0]))
    c = g["curves"]
    assert c["relationships_head"][0] == 1e6
    assert c["relationships_layer"][0] == 32e6
    assert c["relationships_forward"][0] == 32 * 32e6
    m = s.model
    assert c["flops_linear"][0] == pytest.approx(float(flops.linear_flops_per_token(m)) * 1000
                                                 + float(flops.lm_head_flops(m)))
    # Generating n tokens with a cache: the sum of the steps; without one, each step re-runs the prefix.
    g10 = series.compute_growth(s, np.array([10.0]))["curves"]
    assert g10["generation_kv_cache"][0] == pytest.approx(sum(float(flops.decode_step_flops(m, t))
                                                              for t in range(10)), rel=1e-9)
    assert g10["generation_no_cache"][0] > g10["generation_kv_cache"][0]
    assert g["max_context"] == 4096.0 and g["n_star"] == pytest.approx(flops.attention_crossover(m))
    # Slopes: cached generation ~n in context, ~n² far past n*; uncached one power more.
    assert g["slopes_in_context"]["generation_kv_cache"] == pytest.approx(1.0, abs=0.1)
    assert g["slopes_asymptotic"]["generation_kv_cache"] == pytest.approx(2.0, abs=0.05)
    assert g["slopes_asymptotic"]["generation_no_cache"] == pytest.approx(3.0, abs=0.05)
    assert g["slopes_asymptotic"]["relationships_head"] == pytest.approx(2.0, abs=1e-6)


def test_memory_traffic_by_hand():
    # Llama-2-7B FP16, batch 4, on an H100 with vLLM: weights flat, KV = 4 · 512 KiB · t, the context
    # where weights + KV stop fitting = (capacity − weights) / (4 · 512 KiB).
    s = scen(runtime="vllm", batch=4)
    r = resolve(s)
    t = np.array([1.0, 1000.0, 100_000.0])
    mt = series.memory_traffic(s, t)
    w = memory.weight_bytes(s.model, FP16)
    assert mt.weights.tolist() == [w] * 3
    np.testing.assert_allclose(mt.kv, 4 * 512 * 1024 * t)
    assert mt.capacity == pytest.approx(r.usable_bytes - r.reserve_bytes, rel=1e-12)
    assert mt.fit_limit == pytest.approx((mt.capacity - w) / (4 * 512 * 1024), rel=1e-12)
    from explorer.core.engine.estimate import decode_step_parts
    np.testing.assert_allclose(mt.bytes_per_token, decode_step_parts(r, t)["bytes"] / 4, rtol=1e-12)
    # The default grid starts at one token, ascends, and ends at a power of ten past the fit limit.
    grid = series.memory_traffic(s).t
    assert grid[0] == 1 and np.all(np.diff(grid) > 0)
    assert math.log10(grid[-1]) == round(math.log10(grid[-1])) and grid[-1] >= 2 * mt.fit_limit


def test_fit_limit_without_a_cache_or_without_room():
    s = scen(runtime="vllm", kv_cache=False)
    assert series.memory_traffic(s, np.array([10.0])).fit_limit is None  # weights fit; no cache grows
    np.testing.assert_array_equal(series.memory_traffic(s, np.array([10.0])).kv, [0.0])
    big = scen("llama-2-70b", "rtx-4090", runtime="vllm")
    assert series.memory_traffic(big, np.array([10.0])).fit_limit == 0.0
    assert series.memory_traffic(big.with_(kv_cache=False), np.array([10.0])).fit_limit == 0.0
    # Linear attention never outgrows its fixed state: fits at any length.
    lin = s.with_(kv_cache=True, model=presets.model("llama-2-7b").edited(attention="linear"))
    assert series.memory_traffic(lin, np.array([10.0])).fit_limit is None


def test_comparison_starts_with_the_scenarios_own_device_and_its_fit_boundary():
    # The scenario's device comes first when the list lacks it, once, under its own name.
    s = scen(hw="a100-40gb-sxm", runtime="vllm", prompt=1000, generate=1000)
    out = series.compare_devices(s, ("h100-sxm", "rtx-4090"))
    assert [r.device_id for r in out] == ["a100-40gb-sxm", "h100-sxm", "rtx-4090"]
    assert [r.name for r in out] == [presets.device(d).name for d in ("a100-40gb-sxm", "h100-sxm", "rtx-4090")]
    assert [r.device_id for r in series.compare_devices(s, ("h100-sxm", "a100-40gb-sxm"))] == ["h100-sxm",
                                                                                              "a100-40gb-sxm"]
    # At the largest batch that fits (2,000-token sequences of 512 KiB per token) it fits;
    # one more sequence does not: the comparison counts every sequence's whole context.
    most = estimate(s).max_batch
    assert series.compare_devices(s.with_(batch=most), ())[0].fits
    assert not series.compare_devices(s.with_(batch=most + 1), ())[0].fits
    custom = series.compare_devices(s, ("not-here",))[1]
    assert (custom.device_id, custom.name) == ("not-here", "not-here") and "not a preset" in custom.error


@pytest.mark.parametrize("p", [1, 300])
@pytest.mark.parametrize("runtime, weights", [("llama-cpp-cuda-2023", "q4_0"), ("vllm", "int4-g128")])
def test_a_prompt_chunk_alone_costs_a_prefill_with_its_runtimes_losses(runtime, weights, p):
    # llama.cpp (2023 builds) writes the n×n scores to memory and dequantizes Q4_0 per tile; vLLM loses
    # GEMM rate below its M½ tokens: a chunk with no decodes is exactly the single-stream prefill, which
    # costs those in estimate.prefill_parts (another code path).
    from explorer.core.engine.estimate import prefill_parts
    r = resolve(scen(hw="rtx-4090", runtime=runtime, weights=weights))
    assert (r.score_passes > 0 and r.prefill_format != 1.0) if runtime != "vllm" else r.gemm_half > 0
    assert float(mixed_step_time(r, p, 0, 0)) == pytest.approx(float(prefill_parts(r, p)["time"]), rel=1e-12)
