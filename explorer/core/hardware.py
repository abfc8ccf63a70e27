"""Accelerator description: capacity, bandwidth, dense peak throughput per format, power, links."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from .spec_fields import check_fields, custom_copy
from .units import GB, GiB, TFLOPS

CATEGORIES = ("datacenter-gpu", "consumer-gpu", "workstation-gpu", "apple-soc")


class HardwareError(ValueError):
    """A device description that cannot be used (zero bandwidth, no throughput figures, ...)."""


@dataclass(frozen=True)
class HardwareSpec:
    id: str
    name: str
    memory_gib: float
    bandwidth_gbs: float
    tflops: Mapping[str, float]
    tdp_w: float
    vendor: str = ""
    category: str = "datacenter-gpu"
    unified_memory: bool = False
    gpu_cores: int = 0
    memory_type: str = ""
    interconnect: str = ""
    interconnect_gbs: float = 0.0
    interconnect_latency_us: float = 0.0
    price_per_hour_usd: float = 0.0
    eta_memory: float = 0.0  # device-specific achieved/peak bandwidth; 0 = its category's default
    release: str = ""
    source: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    based_on: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tflops", dict(self.tflops))
        object.__setattr__(self, "sources", dict(self.sources))
        problems = []
        for name in ("memory_gib", "bandwidth_gbs", "tdp_w"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
                problems.append(f"{name} must be a positive number (got {v!r})")
        if not self.tflops or any(not (isinstance(v, (int, float)) and v > 0) for v in self.tflops.values()):
            problems.append("tflops needs at least one positive peak-throughput figure")
        if self.interconnect_gbs < 0 or self.interconnect_latency_us < 0:
            problems.append("interconnect figures cannot be negative")
        if problems:
            raise HardwareError(f"{self.name or self.id}: " + "; ".join(problems))

    # -- derived, in SI base units -------------------------------------------
    @property
    def capacity_bytes(self) -> float:
        return self.memory_gib * GiB

    @property
    def bandwidth_bytes_per_s(self) -> float:
        return self.bandwidth_gbs * GB

    @property
    def link_bytes_per_s(self) -> float:
        return self.interconnect_gbs * GB

    def peak_flops(self, key: str) -> tuple[float, str]:
        """Dense peak FLOP/s for a throughput key, and the key actually used.

        When the device lists no figure for ``key`` (no FP8 on an A100, no tensor cores on an
        Apple GPU) it falls back to the nearest wider format it does list, as a runtime would
        upcast: fp8 → fp16 → fp32, int4 → int8 → fp16 → fp32, tf32 → fp32, bf16 → fp16 → fp32.
        """
        chain = {
            "int4": ("int4", "int8", "fp16", "fp32"),
            "int8": ("int8", "fp16", "fp32"),
            "fp8": ("fp8", "fp16", "fp32"),
            "bf16": ("bf16", "fp16", "fp32"),
            "fp16": ("fp16", "fp32"),
            "tf32": ("tf32", "fp32"),
            "fp32": ("fp32",),
        }.get(key, (key, "fp16", "fp32"))
        for k in chain:
            if k in self.tflops:
                return self.tflops[k] * TFLOPS, k
        best = max(self.tflops, key=self.tflops.get)
        return self.tflops[best] * TFLOPS, best

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tflops"] = dict(self.tflops)
        d["sources"] = dict(self.sources)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HardwareSpec":
        check_fields(cls, data, ("id", "name", "memory_gib", "bandwidth_gbs", "tflops", "tdp_w"), "hardware",
                     HardwareError)
        return cls(**data)

    def edited(self, **changes: Any) -> "HardwareSpec":
        """A copy with ``changes``; an edited preset becomes 'Custom (from …)'."""
        return custom_copy(self, changes)
