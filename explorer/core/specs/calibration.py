"""What the calibration rows cover, per runtime profile (``explorer/data/calibration.toml``).

``benchmarks/calibration_report.py --write`` writes the table from ``resources/validation/``: for
each runtime, how many published rows calibrate it (per metric), which device classes, GPU
generations, device counts and prompt lengths they span, and the band — the 10th and 90th
percentile of measured ÷ modelled speed when each row's dataset was left out of the fit
(leave-one-dataset-out, never the in-sample errors). The per-row held-out predictions behind each
band are in ``resources/validation/held_out.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

MIN_ROWS = 10  # fewer calibration rows than this: no band (a 10–90 % range of 6 numbers is noise)
LONG_PROMPT = 8192  # no calibration row has a prompt this long

# GPU generation of a device, by its preset ID (vendor architecture names). A device of a
# generation none of a runtime's rows ran on is extrapolated: its kernels, caches and clocks differ.
GENERATIONS = (
    ("a100", "NVIDIA Ampere"), ("rtx-30", "NVIDIA Ampere"), ("h100", "NVIDIA Hopper"), ("h200", "NVIDIA Hopper"),
    ("l40", "NVIDIA Ada"), ("rtx-40", "NVIDIA Ada"), ("b200", "NVIDIA Blackwell"), ("rtx-50", "NVIDIA Blackwell"),
    ("mi300", "AMD CDNA 3"), ("m1", "Apple M1"), ("m2", "Apple M2"), ("m3", "Apple M3"), ("m4", "Apple M4"),
)


def generation(hardware_id: str) -> str:
    """'NVIDIA Hopper' for 'h100-sxm'; '' for a device this table does not name (custom, measured)."""
    return next((g for prefix, g in GENERATIONS if hardware_id.startswith(prefix)), "")


@dataclass(frozen=True)
class RuntimeCalibration:
    """What one runtime's calibration rows span, and its held-out band."""
    rows: int = 0
    metric_rows: Mapping[str, int] = field(default_factory=dict)  # decode / prefill / output / ttft
    device_classes: tuple[str, ...] = ()
    generations: tuple[str, ...] = ()
    max_devices: int = 0
    max_prompt: int = 0
    weight_formats: tuple[str, ...] = ()  # weight formats of its rows (empty: not recorded)
    floor: float = 0.0  # 10th percentile of held-out measured ÷ modelled speed (0: no band)
    ceiling: float = 0.0
    basis: str = ""  # how floor/ceiling were computed

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RuntimeCalibration":
        return cls(rows=int(d.get("rows", 0)), metric_rows=dict(d.get("metric_rows", {})),
                   device_classes=tuple(d.get("device_classes", ())), generations=tuple(d.get("generations", ())),
                   max_devices=int(d.get("max_devices", 0)), max_prompt=int(d.get("max_prompt", 0)),
                   weight_formats=tuple(d.get("weight_formats", ())),
                   floor=float(d.get("floor", 0.0)), ceiling=float(d.get("ceiling", 0.0)),
                   basis=str(d.get("basis", "")))

    @property
    def has_band(self) -> bool:
        return self.rows >= MIN_ROWS and 0 < self.floor <= self.ceiling
