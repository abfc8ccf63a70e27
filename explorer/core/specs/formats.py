"""Number formats: what a value costs in bytes and what it actually stores.

Precision changes three things and never a fourth:
- bytes per value (``bits_per_weight``): weights, KV cache and traffic shrink with it;
- which peak throughput the hardware offers (``throughput_key`` into a device's TFLOPS table);
- the value stored (rounding error, shown with ``ml_dtypes`` on π).
It does **not** change how many multiply-adds a forward pass performs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ROLES = ("weights", "kv", "compute")

# Default range for the integer-rounding demo: a block of values whose largest |w| is 4,
# so the scale is 4 / qmax and π is not trivially the block maximum.
DEMO_BLOCK_ABSMAX = 4.0


def _finfo(dtype: np.dtype):
    import ml_dtypes

    return ml_dtypes.finfo(dtype)


@dataclass(frozen=True)
class NumberFormat:
    id: str
    name: str
    bits_per_weight: float
    kind: str  # "float" or "int"
    ml_dtype: str
    throughput_key: str
    roles: tuple[str, ...]
    source: str
    embedding_bits: float = 0.0  # token-embedding table (0: same as bits_per_weight)
    output_bits: float = 0.0  # LM head / output tensor; the tied table when there is none (0: embedding_bits)
    more_bits: float = 0.0  # GGUF _M mixes: attn_v and ffn_down of llama.cpp's use_more_bits layers
    mantissa_bits: int = 0  # override (TF32 keeps 10 of FP32's 23)
    int_bits: int = 0
    block: int = 0
    scale_bits: int = 0
    stream_efficiency: float = 1.0
    scale_rule: str = "absmax"  # "absmax": scale = absmax / qmax; "ggml-q4_0": d = max / −8

    @classmethod
    def from_dict(cls, data: dict) -> "NumberFormat":
        data = dict(data)
        data["roles"] = tuple(data.get("roles", ()))
        bad = [r for r in data["roles"] if r not in ROLES]
        if bad:
            raise ValueError(f"format {data.get('id')}: unknown role(s) {bad}")
        return cls(**data)

    @property
    def bytes_per_value(self) -> float:
        return self.bits_per_weight / 8.0

    @property
    def embedding_bytes_per_value(self) -> float:
        """Bytes per value of the embedding table and LM head stored alongside these weights."""
        return (self.embedding_bits or self.bits_per_weight) / 8.0

    @property
    def output_bytes_per_value(self) -> float:
        """Bytes per value of the LM head (output tensor) — GGUF stores it as Q6_K in 4-bit files."""
        return (self.output_bits or self.embedding_bits or self.bits_per_weight) / 8.0

    @property
    def dtype(self) -> np.dtype:
        import ml_dtypes  # imported on first use: keeps the CLI's cold start short

        return np.dtype(getattr(ml_dtypes, self.ml_dtype, None) or self.ml_dtype)

    @property
    def significand_bits(self) -> int:
        """Stored fraction bits + the implicit 1: what sets a multiplier's size. 0 for integers."""
        if self.kind != "float":
            return 0
        frac = self.mantissa_bits or _finfo(self.dtype).nmant
        return frac + 1

    def round(self, values: np.ndarray | float, absmax: float = DEMO_BLOCK_ABSMAX) -> np.ndarray:
        """The value(s) this format stores for ``values`` (float64 result).

        Floats round to nearest in the real type via ``ml_dtypes``; TF32 additionally drops
        to a 10-bit mantissa. Integers round ``values / scale`` with ``scale = absmax / qmax``
        (symmetric quantization of a block whose largest magnitude is ``absmax``).
        """
        x = np.asarray(values, dtype=np.float64)
        if self.kind == "float":
            stored = x.astype(np.float32).astype(self.dtype).astype(np.float64)
            if self.mantissa_bits:
                m, e = np.frexp(stored)
                step = 2.0 ** (self.mantissa_bits + 1)
                stored = np.ldexp(np.round(m * step) / step, e)
            return stored
        if self.scale_rule == "ggml-q4_0":
            # ggml quantize_row_q4_0_ref: d = max / −8 (max: the block's value of largest
            # magnitude, here +absmax), q = min(15, (int)(x/d + 8.5)), value = (q − 8)·d.
            d = absmax / -8.0
            q = np.clip(np.trunc(x / d + 8.5), 0, 15)
            return (q - 8.0) * d
        qmax = 2 ** (self.int_bits - 1) - 1
        scale = absmax / qmax
        q = np.clip(np.round(x / scale), -qmax - 1, qmax)
        return q * scale

    @property
    def epsilon(self) -> float:
        """Gap between 1 and the next value (floats); the quantization step (integers, demo scale)."""
        if self.kind == "float":
            if self.mantissa_bits:
                return 2.0 ** -self.mantissa_bits
            return float(_finfo(self.dtype).eps)
        if self.scale_rule == "ggml-q4_0":
            return DEMO_BLOCK_ABSMAX / 8.0
        return DEMO_BLOCK_ABSMAX / (2 ** (self.int_bits - 1) - 1)

    @property
    def max_finite(self) -> float:
        if self.kind == "float":
            return float(_finfo(self.dtype).max)
        return float(2 ** (self.int_bits - 1) - 1)

    def describe_pi(self) -> dict:
        stored = float(self.round(math.pi))
        return {"format": self.id, "stored": stored, "relative_error": abs(stored - math.pi) / math.pi}


def multiplier_area_ratio(a: NumberFormat, b: NumberFormat) -> float:
    """Relative silicon area of an ``a`` multiplier vs a ``b`` one, ≈ (significand bits)².

    An array multiplier of p×p bits has ~p² partial-product cells; this is the true core of
    "FP32 quadruples compute": FP32 (24-bit significand) needs (24/11)² ≈ 4.8× the multiplier
    area of FP16 (11-bit), which is why data sheets list FP16 tensor throughput far above FP32.
    The FLOP count is unchanged, and what a device actually loses going from FP16 to FP32 is
    its own ratio of peaks (:func:`fp32_slowdown`: 1× on Apple GPUs, ~2× on GeForce, ~15× on
    H100 tensor cores). Integers use their bit width.
    """
    pa = a.significand_bits or a.int_bits
    pb = b.significand_bits or b.int_bits
    return (pa / pb) ** 2


def fp32_slowdown(tflops: dict) -> tuple[float, str, str] | None:
    """How much slower a device's FP32 peak is than its FP16 peak: (factor, FP16 key, FP32
    key) from its data-sheet table, or None without both figures. The essay says FP32
    "quadruples" the compute; the FLOPs are the same, the bytes double, and the peak rate
    drops by this device-dependent factor."""
    fp16 = tflops.get("fp16") or tflops.get("bf16")
    fp32 = tflops.get("fp32")
    if not fp16 or not fp32:
        return None
    return fp16 / fp32, "fp16" if "fp16" in tflops else "bf16", "fp32"
