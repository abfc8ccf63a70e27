"""The range of every editable field, read from the rules that validate it, for the controls that
edit it (a control's range is bound to the field, magicgui-style, never copied by hand).

Paths name the field as a person would: ``"layers"`` is a model field, ``"memory_gib"`` a hardware
figure, ``"tflops.fp16"`` one peak, ``"batch"`` a scenario field (or ``"model.layers"``,
``"hardware.memory_gib"``, ``"scenario.batch"`` spelled out). The numbers come from
``ModelSpec`` (``SHAPE_MAX``, ``COUNT_MAX``), ``HardwareSpec`` (``FIGURE_RANGES``, ``OPTIONAL_RANGES``,
``TFLOPS_RANGE``) and the scenario's ``LIMITS``: the same ones their ``problems()`` and ``validate``
check, so a control can offer exactly what the core accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.specs import hardware as hw
from explorer.core.specs import model as md
from explorer.core.state import scenario as sc


@dataclass(frozen=True)
class FieldRange:
    lo: float
    hi: float
    integer: bool = False
    unset: object = "no"  # what a control's 'not set' position stands for: None, 0, or "no" (always set)

    @property
    def optional(self) -> bool:
        return self.unset != "no"


def field_range(path: str) -> FieldRange:
    """The range the core accepts for the field at ``path``; KeyError for a field without one."""
    kind, _, name = path.partition(".") if path.split(".")[0] in ("model", "hardware", "scenario") else ("", "", path)
    if kind in ("", "model"):
        if name in md.SHAPE_MAX:
            return FieldRange(1, md.SHAPE_MAX[name], integer=True)
        if name in md.COUNT_MAX:
            return FieldRange(0, md.COUNT_MAX[name], integer=True)
        if name == "sliding_fraction":
            return FieldRange(0.0, 1.0)
    if kind in ("", "hardware"):
        if name in hw.FIGURE_RANGES:
            return FieldRange(*hw.FIGURE_RANGES[name])
        if name in hw.OPTIONAL_RANGES:
            return FieldRange(*hw.OPTIONAL_RANGES[name], unset=0)  # 0 = not given
        if name.startswith("tflops."):
            return FieldRange(*hw.TFLOPS_RANGE, unset=None)  # not listed
    if kind in ("", "scenario") and name in sc.LIMITS:
        return FieldRange(*sc.LIMITS[name], integer=name in sc.INTEGER_FIELDS,
                          unset=None if name in sc.OPTIONAL_FIELDS else "no")
    raise KeyError(f"no range for the field {path!r}")
