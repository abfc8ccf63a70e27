"""A Scenario resolved to the numbers the formulas need: formats, effective peaks, budgets.

Built once per scenario (cheap), then shared by every vectorized function of ``estimate``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import parallel, presets
from .precision import NumberFormat
from .scenario import Scenario
from .units import GiB


@dataclass(frozen=True)
class Resolved:
    scenario: Scenario
    weights: NumberFormat
    kv: NumberFormat
    compute: NumberFormat
    peak_flops: float  # dense peak of one device for the compute format (after fallback)
    peak_key: str  # the hardware throughput key actually used
    bandwidth: float  # B/s of one device
    eta_compute: float
    eta_memory: float
    usable_bytes: float  # per device
    reserve_bytes: float  # per device
    link_bandwidth: float  # B/s per direction between devices
    link_latency: float  # s per hop
    price_per_hour: float | None  # per device

    @property
    def devices(self) -> int:
        return self.scenario.devices

    @property
    def activation_bytes(self) -> float:
        """Bytes per activation element sent between devices: 16-bit even when the matmuls run
        in FP8/INT8 (runtimes all-reduce in BF16/FP16); 4 for FP32/TF32."""
        return 4.0 if self.compute.bytes_per_value >= 4 else 2.0

    @property
    def kv_ways(self) -> int:
        s = self.scenario
        return parallel.kv_ways(s.parallel, s.devices, s.model.kv_heads)

    @property
    def link(self):
        """Link bandwidth safe to divide by (a device with no link figure is never split)."""
        return np.where(np.asarray(self.link_bandwidth) > 0, self.link_bandwidth, 1.0)

    @property
    def ridge_intensity(self) -> float:
        """FLOP per byte where the effective roofline turns from memory- to compute-bound."""
        return (self.peak_flops * self.eta_compute) / (self.bandwidth * self.eta_memory)


STACKED = ("peak_flops", "bandwidth", "eta_compute", "eta_memory", "usable_bytes", "reserve_bytes",
           "link_bandwidth", "link_latency")


def stack(resolved: list[Resolved]) -> Resolved:
    """Several resolutions of one workload on different devices, as one Resolved whose device
    figures are column arrays (devices × 1): every vectorized formula then evaluates all the
    devices at once, broadcasting against its own sample axis."""
    first = resolved[0]
    columns = {f: np.array([[getattr(r, f)] for r in resolved], dtype=np.float64) for f in STACKED}
    return replace(first, price_per_hour=None, **columns)


def resolve(s: Scenario) -> Resolved:
    hw = s.hardware
    eff = presets.efficiency(hw.category)
    compute = presets.number_format(s.compute)
    peak, key = hw.peak_flops(compute.throughput_key)
    price = s.price_per_hour if s.price_per_hour is not None else (hw.price_per_hour_usd or None)
    return Resolved(
        scenario=s,
        weights=presets.number_format(s.weights),
        kv=presets.number_format(s.kv),
        compute=compute,
        peak_flops=peak,
        peak_key=key,
        bandwidth=hw.bandwidth_bytes_per_s,
        eta_compute=s.eta_compute if s.eta_compute is not None else float(eff["eta_compute"]),
        eta_memory=s.eta_memory if s.eta_memory is not None else (hw.eta_memory or float(eff["eta_memory"])),
        usable_bytes=hw.capacity_bytes * float(eff["usable_fraction"]),
        reserve_bytes=float(eff["reserve_gib"]) * GiB,
        link_bandwidth=hw.link_bytes_per_s,
        link_latency=hw.interconnect_latency_us * 1e-6,
        price_per_hour=price,
    )
