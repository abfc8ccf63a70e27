"""Load the preset data files (models, hardware, number formats) shipped in ``explorer/data``.

Presets are data, not code: each TOML table is one preset, keyed by its ID, with
its source beside each figure. Loading is cached; lookups of an unknown ID raise
:class:`UnknownPreset` naming the closest valid IDs.
"""

from __future__ import annotations

import difflib
import tomllib
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping

from explorer.core.specs.formats import NumberFormat
from explorer.core.specs.frozen import frozen
from explorer.core.specs.hardware import HardwareSpec
from explorer.core.specs.model import ModelSpec
from explorer.core.specs.runtime import Runtime


class UnknownPreset(KeyError):
    """An ID that names no preset. ``str()`` is a one-line message with suggestions."""

    def __init__(self, kind: str, key: str, valid: list[str]):
        self.kind, self.key, self.valid = kind, key, valid
        close = difflib.get_close_matches(key.lower(), valid, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else f" Valid: {', '.join(valid)}."
        super().__init__(f"unknown {kind} {str(key)!r}.{hint}")  # repr: one line whatever the key holds

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def _load(name: str) -> dict[str, Any]:
    text = resources.files("explorer.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


# The cached tables are read-only (a caller cannot add, drop or swap a preset for everyone
# else), and so is every spec in them (FrozenMap fields, frozen dataclasses).
@lru_cache(maxsize=None)
def models() -> Mapping[str, ModelSpec]:
    return MappingProxyType({key: ModelSpec.from_dict({"id": key, **table})
                             for key, table in _load("models.toml").items()})


@lru_cache(maxsize=None)
def hardware() -> Mapping[str, HardwareSpec]:
    table = {key: HardwareSpec.from_dict({"id": key, **t}) for key, t in _load("hardware.toml").items()}
    for key, t in _load("hardware_variants.toml").items():
        table[key] = _variant(key, table, dict(t))
    return MappingProxyType(table)


def _variant(key: str, table: dict[str, HardwareSpec], t: dict[str, Any]) -> HardwareSpec:
    """A smaller GPU configuration of a chip (``hardware_variants.toml``): the base chip's
    figures with its FP32/FP16 peaks scaled by the GPU-core count (same cores, same clock)
    and the variant's own bandwidth and memory."""
    from dataclasses import replace
    base = table[t.pop("based_on")]
    cores = int(t["gpu_cores"])
    scale = cores / base.gpu_cores
    sources = {**base.sources, **t.pop("sources", {})}
    sources["tflops"] = f"{base.name} figures × {cores}/{base.gpu_cores} GPU cores (same core, same clock)."
    return replace(base, id=key, tflops={k: round(v * scale, 3) for k, v in base.tflops.items()},
                   sources=sources, based_on="", **t)


@lru_cache(maxsize=None)
def formats() -> Mapping[str, NumberFormat]:
    return MappingProxyType({key: NumberFormat.from_dict({"id": key, **table})
                             for key, table in _load("formats.toml").items()})


@lru_cache(maxsize=None)
def runtimes() -> Mapping[str, Runtime]:
    return MappingProxyType({key: Runtime.from_dict({"id": key, **table})
                             for key, table in _load("runtimes.toml").items()})


def runtime(key: str) -> Runtime:
    return _get("runtime", runtimes(), key)


def default_runtime(category: str, vendor: str = "") -> Runtime:
    """The runtime a device of this category gets when a scenario names none."""
    for rt in runtimes().values():
        if category in rt.default_for and rt.runs_on(category, vendor):
            return rt
    return runtimes()["ideal"]


def _get(kind: str, table: Mapping[str, Any], key: str) -> Any:
    try:
        return table[key]
    except KeyError:
        raise UnknownPreset(kind, key, sorted(table)) from None


def model(key: str) -> ModelSpec:
    return _get("model", models(), key)


def device(key: str) -> HardwareSpec:
    from explorer.core.specs import this_machine
    if key == this_machine.PRESET_ID:  # measured on this computer, not shipped
        m = this_machine.load()
        if m is None:
            exc = UnknownPreset("hardware", key, [])
            exc.args = ("no measurement of this machine yet: run 'inference-explorer measure' "
                        "(or 'Measure this machine' in the app's hardware panel)",)
            raise exc
        return m.to_hardware()
    return _get("hardware", hardware(), key)


def number_format(key: str) -> NumberFormat:
    return _get("format", formats(), key)


@lru_cache(maxsize=None)
def efficiencies() -> Mapping[str, Mapping[str, Any]]:
    """Default efficiency factors and memory budget per hardware category (with sources)."""
    return frozen(_load("efficiency.toml"))


def efficiency(category: str) -> Mapping[str, Any]:
    table = efficiencies()
    return table.get(category) or table["datacenter-gpu"]

