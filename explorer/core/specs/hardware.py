"""Accelerator description: capacity, bandwidth, dense peak throughput per format, power, links."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from explorer.core.physics.units import GB, TFLOPS, GiB
from explorer.core.specs.checks import (
    NOTE_MAX,
    choice,
    collect,
    flag,
    number,
    refuse,
    show,
    text,
)
from explorer.core.specs.fields import check_fields, custom_copy
from explorer.core.specs.frozen import FrozenMap, hash_once, state_without_hash

CATEGORIES = ("datacenter-gpu", "consumer-gpu", "workstation-gpu", "apple-soc", "cpu")  # cpu: 'this machine'
# Sensible ranges (inclusive): far beyond any real device, yet every estimate stays finite.
FIGURE_RANGES = {"memory_gib": (0.01, 1e6), "bandwidth_gbs": (0.1, 1e6), "tdp_w": (0.1, 1e6),
                 "interconnect_latency_us": (0.0, 1e6), "price_per_hour_usd": (0.0, 10_000.0)}
OPTIONAL_RANGES = {"interconnect_gbs": (0.01, 1e6), "eta_memory": (0.01, 1.0), "oneshot_allreduce_us": (0.01, 1e6),
                   "allreduce_bus_efficiency": (0.01, 1.0),
                   "ecc_reserved": (0.001, 0.5), "kernel_sync_us": (0.001, 1000.0)}  # 0 = not given
TFLOPS_RANGE = (0.001, 1e7)
DEFAULT_BUS_EFFICIENCY = 1.0  # a fabric with no figure of its own: its nominal rate
TEXT_FIELDS = ("id", "name", "vendor", "memory_type", "interconnect", "release", "based_on")


def _table_problems(name: str, table: Any, check) -> list[str]:
    """A small {text: value} table (peak figures, sources), each entry checked by ``check``."""
    if not isinstance(table, Mapping):
        return [f"{name} must be a table (got {show(table)})"]
    if len(table) > 64:
        return [f"{name} has {len(table)} entries (at most 64)"]
    return collect(*(text(f"{name} key", k, 32) or check(k, v) for k, v in table.items()))


class HardwareError(ValueError):
    """A device description that cannot be used (zero bandwidth, no throughput figures, ...)."""


# The wider formats a runtime upcasts to when a device lists no rate for a format (peak_flops).
_FALLBACKS = {
    "int4": ("int4", "int8", "fp16", "fp32"),
    "int8": ("int8", "fp16", "fp32"),
    "fp4": ("fp4", "fp8", "fp16", "fp32"),
    "fp8": ("fp8", "fp16", "fp32"),
    "bf16": ("bf16", "fp16", "fp32"),
    "fp16": ("fp16", "fp32"),
    "tf32": ("tf32", "fp32"),
    "fp32": ("fp32",),
}


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
    interconnect_gbs: float = 0.0  # per direction: to any peer (switched), or per link (mesh_links > 0)
    interconnect_latency_us: float = 0.0  # one hop: a step of a ring all-reduce, a hand-off, an all-to-all
    oneshot_allreduce_us: float = 0.0  # a custom one-shot all-reduce (every peer's buffer read directly); 0 = none
    allreduce_bus_efficiency: float = 0.0  # large-message all-reduce bus bandwidth ÷ nominal; 0 = the default
    mesh_links: int = 0  # direct links per device in a full mesh (MI300X: 7); 0 = switched (NVSwitch)
    price_per_hour_usd: float = 0.0
    eta_memory: float = 0.0  # device-specific achieved/peak bandwidth; 0 = its category's default
    kernel_sync_us: float = 0.0  # two-die chips: a barrier across the die link per kernel (fitted)
    ecc_reserved: float = 0.0  # share of capacity in-band ECC takes when on by default (GDDR data-center cards)
    release: str = ""
    source: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    based_on: str = ""

    __hash__ = hash_once  # hashed once: specs key the step-cost caches
    __getstate__ = state_without_hash

    def __post_init__(self) -> None:
        refuse(self.name, "hardware", self.problems(), HardwareError)
        object.__setattr__(self, "tflops", FrozenMap(self.tflops))  # read-only: presets are shared values
        object.__setattr__(self, "sources", FrozenMap(self.sources))

    def problems(self) -> list[str]:
        """Every problem as a phrase naming the field (empty when the device is usable)."""
        p = collect(*(number(name, getattr(self, name), lo, hi) for name, (lo, hi) in FIGURE_RANGES.items()),
                    *(number(name, getattr(self, name), lo, hi, zero_ok=True) for name, (lo, hi) in OPTIONAL_RANGES.items()),
                    number("gpu_cores", self.gpu_cores, 0, 10_000_000, integer=True),
                    number("mesh_links", self.mesh_links, 0, 1024, integer=True),
                    flag("unified_memory", self.unified_memory),
                    choice("category", self.category, CATEGORIES),
                    *(text(name, getattr(self, name)) for name in TEXT_FIELDS),
                    text("source", self.source, NOTE_MAX))
        p += _table_problems("tflops", self.tflops, lambda k, v: number(f"tflops.{k}", v, *TFLOPS_RANGE))
        p += _table_problems("sources", self.sources, lambda k, v: text(f"sources.{k}", v, NOTE_MAX))
        if isinstance(self.tflops, Mapping) and not self.tflops:
            p.append("tflops needs at least one peak-throughput figure")
        return p

    # -- derived, in SI base units -------------------------------------------
    @property
    def capacity_bytes(self) -> float:
        return self.memory_gib * GiB

    @property
    def addressable_bytes(self) -> float:
        """What software can allocate: the capacity less what in-band ECC reserves (HBM keeps
        its ECC bits beside the data, GDDR cards such as the L40S carve them out of capacity)."""
        return self.capacity_bytes * (1.0 - self.ecc_reserved)

    @property
    def bandwidth_bytes_per_s(self) -> float:
        return self.bandwidth_gbs * GB

    @property
    def link_bytes_per_s(self) -> float:
        return self.interconnect_gbs * GB

    @property
    def bus_efficiency(self) -> float:
        """Achievable ÷ nominal link bandwidth of a large all-reduce (nccl-tests' busbw ÷ link rate)."""
        return self.allreduce_bus_efficiency or DEFAULT_BUS_EFFICIENCY

    def link_bytes_per_s_for(self, devices: int, collective: bool = True) -> float:
        """Per-direction bandwidth one device gets in a split over ``devices``. Switched fabrics
        (NVLink/NVSwitch, PCIe): ``interconnect_gbs`` to any peer. A full mesh (MI300X Infinity
        Fabric, one link per peer): a collective uses min(N − 1, links) links at once, a
        point-to-point send (pipeline stage to stage) one link."""
        if not self.mesh_links:
            return self.link_bytes_per_s
        links = min(max(devices - 1, 1), self.mesh_links) if collective else 1
        return self.link_bytes_per_s * links

    def peak_flops(self, key: str) -> tuple[float, str]:
        """Dense peak FLOP/s for a throughput key, and the key actually used.

        When the device lists no figure for ``key`` (no FP8 on an A100, no tensor cores on an
        Apple GPU) it falls back to the nearest wider format it does list, as a runtime would
        upcast: fp4 → fp8 → fp16 → fp32, fp8 → fp16 → fp32, int4 → int8 → fp16 → fp32, tf32 → fp32, bf16 → fp16 → fp32.
        """
        chain = _FALLBACKS.get(key, (key, "fp16", "fp32"))
        for k in chain:
            if k in self.tflops:
                return self.tflops[k] * TFLOPS, k
        best = max(self.tflops, key=lambda k: self.tflops[k])
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
