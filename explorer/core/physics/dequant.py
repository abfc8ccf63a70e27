"""Dequantization work of a quantized mat-vec: when unpacking the weights, not reading them, sets
the time of a decode step.

A decode step at batch 1 multiplies every weight matrix by one vector. Each weight byte is read
once (bytes ÷ bandwidth) and, in a block format, unpacked by the kernel's integer and float
instructions: nibble masks and shifts, the 6-bit sub-block scales and mins of the K-quants
(Q4_K/Q5_K: 12 packed bytes per 256 weights), Q5_K's fifth bit and Q6_K's 2-bit pairs. The runtime
profile counts those instructions per 256 weights from the kernel source (runtimes.toml
``decode_ops``; the counts are derived in tests/core/physics/test_dequant_ops.py).

The GPU overlaps the two: while some warps / SIMD-groups wait for memory others issue
instructions, so a mat-vec with enough resident warps (llama.cpp's mmvq and Metal mul_mv kernels
keep several per core) takes the longer of the two, not their sum — the roofline of the weight
stream (Williams, Waterman & Patterson, CACM 2009) with the instruction issue rate as its second
roof:

    time = max(bytes ÷ (bandwidth · η · φ), instructions ÷ issue rate)

φ is the runtime's measured format factor (Q4_0's share of the F16 kernel's bandwidth). The sum
bytes/bw + ops/rate would hold for a kernel that cannot overlap (one thread in order, no memory
parallelism), which these are not; near the crossover the real time lies a little above the max.

Issue rate: one instruction per FP32 lane per clock, the chip's FP32 FLOP/s ÷ 2 (one FMA counts 2
FLOPs). On an A100 that equals its separate INT32 pipe (64 lanes/SM/clock); on Ada, Hopper and
GA102 the INT32 pipe has half the FP32 lanes, so a purely integer instruction mix would bind at
half this rate — the counts here mix loads, conversions and float FMAs with the integer work, and
the rate is an upper bound (the ALU time a lower bound).

Regime: batch-1 decode (llama.cpp's mmvq / mul_mv kernels). With several sequences per step the
per-column dot-product work grows with the batch while the unpacking is shared; that is not
modelled (the factor stays the batch-1 one).
"""

from __future__ import annotations

BLOCK_WEIGHTS = 256  # ops are counted per 256 weights (one K-quant super-block, eight Q4_0 blocks)


def issue_rate(fp32_flops: float) -> float:
    """Instructions per second the chip issues (one per FP32 lane per clock): FP32 FLOP/s ÷ 2."""
    return fp32_flops / 2.0


def ops_per_byte(ops_per_block: float, bits_per_weight: float) -> float:
    """Kernel instructions per byte of weights read, from a count per 256 weights."""
    return ops_per_block / (BLOCK_WEIGHTS * bits_per_weight / 8.0)


def stream_factor(phi: float, ops_per_block: float, bits_per_weight: float, fp32_flops: float,
                  achieved_bandwidth: float) -> float:
    """The format factor of the weight stream with the instruction roof: min(φ, issue rate ÷
    (achieved bandwidth × ops per byte)). Below φ the mat-vec is instruction-bound (its time is
    instructions ÷ issue rate); at φ it is bandwidth-bound and the unpacking is hidden.
    ``achieved_bandwidth`` is bandwidth × η (bytes per second the kernel's memory side reaches)."""
    if ops_per_block <= 0 or fp32_flops <= 0 or achieved_bandwidth <= 0:
        return phi
    alu_cap = issue_rate(fp32_flops) / (achieved_bandwidth * ops_per_byte(ops_per_block, bits_per_weight))
    return min(phi, alu_cap)


def attention_rate_share(ops_per_dim: float, ops_per_key: float, head_dim: float, fp32_flops: float,
                         matmul_rate: float) -> float:
    """Share of the matmul FLOP rate a decode attention kernel reaches when its instructions, not its
    FLOPs, bound it: each cached key costs every query head 4·d FLOPs (QKᵀ and A·V, d the head dim)
    and ops_per_dim·d + ops_per_key instructions (loads, half→float conversions, FMAs, the SIMD
    reductions and the online softmax), so its FLOP rate is issue rate × 4·d ÷ instructions.
    1 when there is no count or the matmul rate is the lower one."""
    instr = ops_per_dim * head_dim + ops_per_key
    if instr <= 0 or fp32_flops <= 0 or matmul_rate <= 0:
        return 1.0
    return min(1.0, issue_rate(fp32_flops) * 4.0 * head_dim / instr / matmul_rate)
