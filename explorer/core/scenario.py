"""The Scenario: one immutable value holding everything an estimate depends on.

Undo, compare and autosave all work on these values; JSON files carry a version number.
``LIMITS`` is the single definition of what counts as a sane input — the CLI validates
against it and the GUI uses it for control ranges.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from . import presets
from .hardware import HardwareError, HardwareSpec
from .model import ModelSpec, SpecError
from .parallel import layout_problems
from .spec_fields import check_fields

FORMAT_VERSION = 1
PARALLEL_MODES = ("tensor", "pipeline")

# field: (minimum, maximum) — inclusive. Whole-number fields are checked as integers.
LIMITS: dict[str, tuple[float, float]] = {
    "devices": (1, 1024),
    "batch": (1, 65_536),
    "prompt": (0, 10_000_000),
    "generate": (0, 10_000_000),
    "eta_compute": (0.01, 1.0),
    "eta_memory": (0.01, 1.0),
    "price_per_hour": (0.0, 10_000.0),
}
INTEGER_FIELDS = ("devices", "batch", "prompt", "generate")


class ScenarioError(ValueError):
    """A scenario that cannot be evaluated; the message is one line meant for a person."""


@dataclass(frozen=True)
class Scenario:
    model: ModelSpec
    hardware: HardwareSpec
    weights: str = "fp16"
    kv: str = "fp16"
    compute: str = "fp16"
    devices: int = 1
    parallel: str = "tensor"
    batch: int = 1
    prompt: int = 1024
    generate: int = 256
    kv_cache: bool = True
    eta_compute: float | None = None  # None: the hardware category's default
    eta_memory: float | None = None
    price_per_hour: float | None = None  # None: the preset's price, if any

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ScenarioError("; ".join(problems))

    def with_(self, **changes: Any) -> "Scenario":
        """A new Scenario with ``changes`` (validated)."""
        return replace(self, **changes)

    # -- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["model"] = self.model.to_dict()
        d["hardware"] = self.hardware.to_dict()
        return {"version": FORMAT_VERSION, **d}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any) -> "Scenario":
        if not isinstance(data, dict):
            raise ScenarioError("a scenario file must hold a JSON object")
        version = data.get("version")
        if version != FORMAT_VERSION:
            raise ScenarioError(f"unsupported scenario version {version!r} (this app reads version {FORMAT_VERSION})")
        body = {k: v for k, v in data.items() if k != "version"}
        check_fields(cls, body, ("model", "hardware"), "scenario", ScenarioError)
        try:
            body["model"] = _resolve(body.get("model"), ModelSpec, presets.model)
            body["hardware"] = _resolve(body.get("hardware"), HardwareSpec, presets.device)
            return cls(**body)
        except (SpecError, HardwareError, presets.UnknownPreset, TypeError) as exc:
            raise ScenarioError(str(exc)) from None

    @classmethod
    def from_json(cls, text: str) -> "Scenario":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        return cls.from_dict(data)


def _resolve(value: Any, cls: type, lookup) -> Any:
    """A spec given as a preset ID string or as a full table."""
    if isinstance(value, str):
        return lookup(value)
    if isinstance(value, dict):
        return cls.from_dict(value)
    raise ScenarioError(f"{cls.__name__} must be a preset ID or an object, not {type(value).__name__}")


def validate(s: Scenario) -> list[str]:
    """Every problem with ``s`` as a one-line phrase (empty when it is usable)."""
    problems: list[str] = []
    if not isinstance(s.model, ModelSpec):
        problems.append("model must be a ModelSpec")
    if not isinstance(s.hardware, HardwareSpec):
        problems.append("hardware must be a HardwareSpec")
    for role in ("weights", "kv", "compute"):
        key = getattr(s, role)
        try:
            fmt = presets.number_format(key)
        except presets.UnknownPreset as exc:
            problems.append(str(exc))
            continue
        if role not in fmt.roles:
            allowed = [k for k, f in presets.formats().items() if role in f.roles]
            problems.append(f"{fmt.name} cannot be used for {role} (choose one of {', '.join(allowed)})")
    if s.parallel not in PARALLEL_MODES:
        problems.append(f"parallel must be one of {', '.join(PARALLEL_MODES)}")
    if not isinstance(s.kv_cache, bool):
        problems.append("kv_cache must be true or false")
    for name, (lo, hi) in LIMITS.items():
        v = getattr(s, name)
        if v is None and name in ("eta_compute", "eta_memory", "price_per_hour"):
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
            problems.append(f"{name} must be a number (got {v!r})")
        elif name in INTEGER_FIELDS and int(v) != v:
            problems.append(f"{name} must be a whole number (got {v})")
        elif not lo <= v <= hi:
            problems.append(f"{name} must be between {lo:g} and {hi:g} (got {v:g})")
    if not problems and s.prompt + s.generate < 1:
        problems.append("prompt + generate must be at least 1 token")
    if not problems:
        m = s.model
        problems += layout_problems(s.parallel, s.devices, m.heads, m.kv_heads, m.layers)
    return problems


def default_scenario() -> Scenario:
    """What the app opens with: Llama-2-7B in FP16 on an RTX 4090, a 1,024-token prompt."""
    return Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("rtx-4090"))
