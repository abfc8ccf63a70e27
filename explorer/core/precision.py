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
    embedding_bits: float = 0.0  # embedding table / LM head (0: same as bits_per_weight)
    mantissa_bits: int = 0  # override (TF32 keeps 10 of FP32's 23)
    int_bits: int = 0
    block: int = 0
    scale_bits: int = 0
    stream_efficiency: float = 1.0

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
    "FP32 quadruples compute": FP32 (24-bit significand) needs ~5.2× the multiplier area of
    FP16 (11-bit), which is why tensor cores deliver FP16 at many times the FP32 rate. The FLOP
    count is unchanged. Integers use their bit width.
    """
    pa = a.significand_bits or a.int_bits
    pb = b.significand_bits or b.int_bits
    return (pa / pb) ** 2
