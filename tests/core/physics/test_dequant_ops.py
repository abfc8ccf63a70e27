"""GGUF dequantization cost per backend, counted from the kernels themselves.

Each count below walks one call of the batch-1 decode mat-vec kernel as llama.cpp writes it
(ggml-org/llama.cpp, read for this test) and counts every load, mask, shift, or, byte extract,
select, dp4a, integer multiply, int↔float / half→float conversion and float FMA once; loop-invariant
index arithmetic (hoisted by the compiler) is not counted. The totals are then scaled to 256 weights
and must equal runtimes.toml ``decode_ops`` — so a change to either the profile or the derivation
here is caught. The physics (max of the byte roof and the instruction roof) is checked against a
hand computation on two chips on either side of the crossover.
"""

from __future__ import annotations

import pytest

from explorer.core.engine.estimate import decode_step_parts
from explorer.core.engine.resolved import resolve
from explorer.core.physics import dequant
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

# ---- CUDA: ggml/src/ggml-cuda/mmvq.cu (mul_mat_vec_q) + ggml/src/ggml-cuda/vecdotq.cuh ----------
# The mmvq loop, per vec_dot call: compare+branch, kbx += blocks_per_iter, kby = kbx·(qk/QK8_1),
# &y[kby], kbx_offset + kbx, tmp += vec_dot(...), and the block pointer inside vec_dot (one IMAD).
CUDA_LOOP = 7
GET_INT_B2 = 4  # two 16-bit loads, a shift and an or


def _cuda_q4_0() -> tuple[int, int]:
    """vec_dot_q4_0_q8_1, VDR_Q4_0_Q8_1_MMVQ = 2: two ints of nibbles = 16 weights a call."""
    v = 2 * GET_INT_B2
    u = 4  # u[2i], u[2i+1]: four 32-bit loads of the q8_1 activations
    impl = 2 * (1 + 2 + 2)  # per i: v & 0x0F0F0F0F, (v >> 4) & ..., two dp4a
    scales = 2 + 3  # d4 (half) load + convert; ds8 load + __half22float2 (2 converts)
    result = 4  # (float) sumi, constant·ds8f.y, fma with ds8f.x, × d4
    return CUDA_LOOP + v + u + impl + scales + result, 16


def _cuda_q8_0() -> tuple[int, int]:
    """vec_dot_q8_0_q8_1, VDR 2: two ints of int8 = 8 weights a call."""
    v, u, dp4a = 2 * GET_INT_B2, 2, 2
    scales = 2 + 2  # d8_0 load + convert, low half of ds8 load + convert
    result = 3  # d8_0·d8_1, (float) sumi, product
    return CUDA_LOOP + v + u + dp4a + scales + result, 8


def _cuda_q4_k_base() -> int:
    """vec_dot_q4_K_q8_1 + vec_dot_q4_K_q8_1_impl_vmmq, VDR 2 (v[0], v[1], both nibbles): 16 weights."""
    v = 1 + 2  # q4 pointer, two int loads
    # The 6-bit scales/mins: j = bq8_offset/2 is 0..3 across the 16 threads of a block, so the branch
    # diverges inside a warp and both sides issue. j < 2: two loads, two masks (& 0x3f3f).
    # else: three loads; aux[0] = ((s >> 0) & 0x0f0f) | ((s' & 0xc0c0) >> 2): and, and, shift, or;
    # aux[1] = ((s >> 4) & 0x0f0f) | ((s'' & 0xc0c0) >> 2): shift, and, and, shift, or.
    scales = (2 + 2) + (3 + 4 + 5)
    sc_m = 4  # sc[0], sc[1], m[0], m[1]: byte extracts from aux
    acts = 2 * (2 + 2)  # per i < QR4_K: d8 load + convert, two u loads
    nibbles = 2 + 4  # i = 0: two masks (shift by 0 folds); i = 1: two shifts and two masks
    dp4a = 2 * 4  # per i: dot1 (two dp4a), dot2 = sum of u (two more dp4a with 0x01010101)
    sums = 2 * (3 + 3)  # per i: dot·sc (imul), to float, fma into sumf_d; the same for dot2·m
    tail = 3 + 2  # dm4 load + __half22float2, dm4f.x·sumf_d, fma −dm4f.y·sumf_m
    return CUDA_LOOP + v + scales + sc_m + acts + nibbles + dp4a + sums + tail


def _cuda_q4_k() -> tuple[int, int]:
    return _cuda_q4_k_base(), 16


def _cuda_q5_k() -> tuple[int, int]:
    """vec_dot_q5_K_q8_1: Q4_K's work plus the fifth bit of each weight."""
    qh = 1 + 2 + 2  # qh pointer, two loads, two shifts by bq8_offset
    # vh0i = ((vh[0] >> i) << 4) & 0x10101010 (i = 0: shift, mask; i = 1: two shifts, mask), same for vh1i
    high = (2 + 2) + (3 + 3)
    ors = 2 * 2  # v0i = vl0i | vh0i, v1i = vl1i | vh1i, per i
    return _cuda_q4_k_base() + qh + high + ors, 16


def _cuda_q6_k() -> tuple[int, int]:
    """vec_dot_q6_K_q8_1 + vec_dot_q6_K_q8_1_impl_mmvq, VDR 1 (one int of low nibbles, QR6_K = 2): 8 weights."""
    vl, vh = GET_INT_B2, GET_INT_B2 + 1  # vh shifted by vh_shift
    misc = 1 + 2  # scales pointer; d load + convert
    acts = 2 * (1 + 2)  # per i: u load, d8 load + convert
    # per i: sc load; vil (i = 0: mask; i = 1: shift, mask); vih (i = 0: shift, mask; i = 1: shift,
    # shift, mask); or; __vsubss4 (one, a lower bound); dp4a; dot·sc, to float, fma
    impl = (1 + 1 + 2 + 1 + 1 + 1 + 3) + (1 + 2 + 3 + 1 + 1 + 1 + 3)
    tail = 1  # d·sumf
    return CUDA_LOOP + vl + vh + misc + acts + impl + tail, 8


# ---- Metal: ggml/src/ggml-metal/ggml-metal.metal, N_R0 rows per SIMD-group (ggml-metal-impl.h) ----
# Each thread loads its slice of the activations once per block and uses it for N_R0 weight rows:
# that shared work is divided by N_R0. A weight term: mask (or shift), convert to float, FMA = 3.
def _metal_q4_0() -> tuple[float, int]:
    """mul_vec_q_n_f32_impl<block_q4_0, N_R0_Q4_0 = 4> + block_q_n_dot_y: half a block (16 weights) a row."""
    shared = 16 + 16 + 12 + 1 + 2  # 16 y loads; sumy adds; yl·1/256, ·1/16, ·1/4096; sumy[0]+sumy[1]; loop
    per_row = 1 + 2 + 1 + 4 + 16 * 3 + 6  # block address; d load+convert; qs pointer; 4 u16 loads; 16 weights; tail
    return per_row + shared / 4, 16


def _metal_k_scales() -> int:
    """kernel_mul_mv_q4_K/q5_K: three u16 loads; sc16[0], [1]: a mask each; sc16[2]: and, and, shift,
    or; sc16[3]: shift, and, and, shift, or; then eight byte extracts, each converted to float."""
    return 3 + (1 + 1 + 4 + 5) + 8 * 2


def _metal_q4_k() -> tuple[float, int]:
    """kernel_mul_mv_q4_K_f32_impl<N_R0_Q4_K = 2>: per row and super-block, 32 weights a thread."""
    shared = 32 + 32 + 3 + 2  # yl/yh loads, sumy adds, sc/q1/dh pointers, loop and y4 step
    tail = 4 + 2 + 4 + 3 + 4 + 2 + 1 + 1  # acc+acc/256, ·1/16 twice, ·sc8, dh[0]; sumy·sc8, dh[1], −, sumf+=
    per_row = _metal_k_scales() + 1 + 8 + 32 * 3 + tail + 3  # q2 pointer; 8 u16 loads; 32 weights; 3 steps
    return per_row + shared / 2, 32


def _metal_q5_k() -> tuple[float, int]:
    """kernel_mul_mv_q5_K_f32_impl<N_R0_Q5_K = 2>: per l, h/q1/q2 loads, four low-nibble terms and four
    high-bit terms (h & hm ? y : 0 — and, select, add)."""
    shared = 32 + 32 + 4 + 1 + 2
    inner = 8 * (3 + 4 * 3 + 4 * 3)
    tail = 4 + 2 + 4 + 3 + 4 + 2 + 1 + 1
    per_row = 1 + _metal_k_scales() + inner + tail + 4
    return per_row + shared / 2, 32


def _metal_q6_k() -> tuple[float, int]:
    """kernel_mul_mv_q6_K_f32_impl<N_R0_Q6_K = 2>: 16 weights a thread and row; each weight: low nibble
    (mask or shift), high pair (mask, shift — none for kmask3), or, −32, convert, FMA."""
    shared = 16 + 5 + 1 + 1  # yl loads, five block pointers, y pointer, loop
    weights = 4 * (7 + 7 + 6 + 7)
    tail = 4 + 4 + 4 + 2 + 1  # sc loads, converts, ·sc (mul + 3 fma), dh load + convert, fma into sumf
    per_row = 12 + weights + tail + 5  # 12 byte loads; 5 pointer steps
    return per_row + shared / 2, 16


def _per_256(count: tuple[float, int]) -> float:
    ops, weights = count
    return ops * 256 / weights


CUDA = {"q4_0": _cuda_q4_0, "q8_0": _cuda_q8_0, "q4_k_m": _cuda_q4_k, "q5_k_m": _cuda_q5_k, "q6_k": _cuda_q6_k}
METAL = {"q4_0": _metal_q4_0, "q4_k_m": _metal_q4_k, "q5_k_m": _metal_q5_k, "q6_k": _metal_q6_k}


@pytest.mark.parametrize("runtime", ["llama-cpp-cuda", "llama-cpp-cuda-2023"])
@pytest.mark.parametrize("fmt", sorted(CUDA))
def test_cuda_decode_ops_are_the_vecdotq_kernels_counted(runtime, fmt):
    assert presets.runtime(runtime).decode_ops[fmt] == pytest.approx(_per_256(CUDA[fmt]()))


@pytest.mark.parametrize("fmt", sorted(METAL))
def test_metal_decode_ops_are_the_mul_mv_kernels_counted(fmt):
    assert presets.runtime("llama-cpp-metal").decode_ops[fmt] == pytest.approx(_per_256(METAL[fmt]()))


def test_k_quants_cost_more_instructions_per_byte_than_q4_0_on_both_backends():
    """What the counts say: per byte read, a K-quant mat-vec issues 1.3–1.9× Q4_0's instructions."""
    for counts in (CUDA, METAL):
        per_byte = {f: dequant.ops_per_byte(_per_256(c()), presets.number_format(f).bits_per_weight)
                    for f, c in counts.items()}
        for f in ("q4_k_m", "q5_k_m", "q6_k"):
            assert 1.25 < per_byte[f] / per_byte["q4_0"] < 2.0


def _scenario(runtime: str, hw: str, fmt: str) -> Scenario:
    return Scenario(model=presets.model("llama-2-7b"), hardware=presets.device(hw), devices=1, weights=fmt,
                    kv="fp16", prompt=0, generate=128, runtime=runtime)


def test_bandwidth_bound_on_a_chip_with_many_alus():
    """RTX 4090: 82.6 TFLOPS FP32 (41.3 T instructions/s) for 1,008 GB/s. Q5_K_M's 8.0 instructions a
    byte at the 0.841·0.971 share of the bandwidth need 8.0 × 823 GB/s = 6.6 T/s: hidden under the
    bytes, so the format factor is the measured φ and the weight time is bytes ÷ bandwidth."""
    s = _scenario("llama-cpp-cuda", "rtx-4090", "q5_k_m")
    r = resolve(s)
    assert r.decode_format == presets.runtime("llama-cpp-cuda").decode_format["q5_k_m"]
    parts = decode_step_parts(r, 0)
    assert float(parts["memory_time"] - parts["kv_bytes"] / (1008e9 * 0.841)) == pytest.approx(
        float(parts["weights_bytes"]) / (1008e9 * 0.841 * 0.971), rel=1e-9)


def test_instruction_bound_on_a_chip_with_few_alus_for_its_bandwidth():
    """A100 80GB SXM: 19.5 TFLOPS FP32 = 9.75 T instructions/s for 2,039 GB/s. Q5_K_M at 0.672 of the
    bandwidth: bytes at 2,039 · 0.672 · 0.971 = 1,330 GB/s need 1,408 / 176 = 8.0 instructions a byte,
    10.7 T/s > 9.75 T/s, so the kernel waits on its instructions: the weight time is
    instructions ÷ issue rate, i.e. bytes · 8.0 ÷ 9.75e12."""
    s = _scenario("llama-cpp-cuda", "a100-80gb-sxm", "q5_k_m")
    r = resolve(s)
    per_byte = 1408 / 176
    assert r.decode_format == pytest.approx(9.75e12 / (2039e9 * 0.672 * per_byte), rel=1e-9)
    assert r.decode_format < 0.971
    parts = decode_step_parts(r, 0)
    weight_time = float(parts["memory_time"] - parts["kv_bytes"] / (2039e9 * 0.672))
    assert weight_time == pytest.approx(float(parts["weights_bytes"]) * per_byte / 9.75e12, rel=1e-9)
    # Q4_0 on the same chip: 4.2 instructions a byte, bandwidth-bound, φ unchanged.
    assert resolve(s.with_(weights="q4_0")).decode_format == 0.971


def test_metal_regimes_depend_on_cores_per_byte_of_bandwidth():
    """M1 Max 24-core: 24·128 lanes at 1.278 GHz = 3.93 T instructions/s for 400 GB/s; Q5_K_M's 14.0
    instructions a byte at 400 · 0.849 · 0.899 GB/s need 4.3 T/s: instruction-bound. The 32-core M1 Max
    (5.2 T/s) streams the same file bandwidth-bound. Q4_0 (8.2 a byte) is bandwidth-bound on both."""
    small = resolve(_scenario("llama-cpp-metal", "m1-max-24c", "q5_k_m"))
    assert small.decode_format == pytest.approx(24 * 128 * 1.278e9 / (400e9 * 0.849 * 2460 / 176), rel=0.01)
    assert small.decode_format < 0.899
    assert resolve(_scenario("llama-cpp-metal", "m1-max", "q5_k_m")).decode_format == 0.899
    for hw in ("m1-max-24c", "m1-max"):
        assert resolve(_scenario("llama-cpp-metal", hw, "q4_0")).decode_format == 0.899


def test_the_instruction_roof_leaves_every_calibrated_gguf_row_bandwidth_bound():
    """The calibration rows are Q4_0 / Q8_0 / F16 on M1–M4, RTX 3090/4090/5090, A100 and H100 PCIe: the
    new roof must not move any of them (their fitted φ stays what the rows measured)."""
    from pathlib import Path

    from explorer.core.features.validation import read_rows, scenario_for
    path = Path(__file__).resolve().parents[3] / "resources" / "validation" / "published_measurements.csv"
    seen = 0
    for fields in read_rows(path.read_text(encoding="utf-8")):
        if not fields.get("runtime", "").startswith("llama") or fields.get("weights") not in ("q4_0", "q8_0"):
            continue
        s = scenario_for(fields)
        rt = presets.runtime(s.runtime)
        assert resolve(s).decode_format == rt.format_factor(s.weights, "decode", 1.0), fields
        seen += 1
    assert seen > 50
