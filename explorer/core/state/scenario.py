"""The Scenario: one immutable value holding everything an estimate depends on.

Undo, compare and autosave all work on these values; JSON files carry a version number.
``LIMITS`` is the single definition of what counts as a sane input — the CLI validates
against it and the GUI uses it for control ranges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from explorer.core.io import untrusted
from explorer.core.physics.parallel import layout_problems
from explorer.core.specs import presets
from explorer.core.specs.checks import choice, collect, flag, number, show, text
from explorer.core.specs.fields import check_fields
from explorer.core.specs.hardware import HardwareError, HardwareSpec
from explorer.core.specs.model import ModelSpec, SpecError

FORMAT_VERSION = 2  # 2 added the serving fields (load, lengths, latency target); 1 still loads
PARALLEL_MODES = ("tensor", "pipeline")
LOAD_KINDS = ("concurrency", "rate")  # closed loop of N clients | open loop at λ requests/s
LENGTH_KINDS = ("fixed", "uniform", "lognormal", "chat")  # how request lengths spread (explorer.core.serving.workload)
SLO_PERCENTILES = (50, 90, 99)

# field: (minimum, maximum) — inclusive. Whole-number fields are checked as integers.
LIMITS: dict[str, tuple[float, float]] = {
    "devices": (1, 1024),
    "batch": (1, 65_536),
    "prompt": (0, 10_000_000),
    "generate": (0, 10_000_000),
    "eta_compute": (0.01, 1.0),
    "eta_memory": (0.01, 1.0),
    "price_per_hour": (0.0, 10_000.0),
    "load": (0.001, 1_000_000.0),  # clients (whole number) or requests/s
    "burstiness": (0.05, 20.0),  # coefficient of variation of the gaps between arrivals
    "think_s": (0.0, 86_400.0),
    "length_spread": (0.0, 3.0),
    "slo_ttft_ms": (0.1, 3_600_000.0),
    "slo_tpot_ms": (0.01, 100_000.0),
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
    runtime: str | None = None  # runtime profile ID; None: the hardware category's default
    # -- serving under load (explorer.core.serving); prompt/generate are the MEAN lengths ----------
    load_kind: str = "concurrency"  # "concurrency": closed loop of `load` clients; "rate": open loop
    load: float = 1.0  # clients (a whole number) or requests/s
    burstiness: float = 1.0  # open loop: CV of the gaps between arrivals (gamma); 1 = Poisson, 0.05 ≈ steady
    think_s: float = 0.0  # closed loop: seconds a client waits after a reply before its next request
    lengths: str = "fixed"  # "fixed" | "uniform" | "lognormal" | "chat" (cited shape, see workload.CHAT)
    length_spread: float = 0.0  # uniform: half-width ÷ mean (≤ 1); lognormal: std ÷ mean
    slo_ttft_ms: float = 2000.0  # latency target: time to first token, ms
    slo_tpot_ms: float = 100.0  # latency target: time per output token after the first, ms
    slo_percentile: int = 90  # the target holds at this percentile (50, 90 or 99)

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
        if type(version) is not int or version not in (1, FORMAT_VERSION):
            raise ScenarioError(f"version: unsupported scenario version {show(version)} "
                                f"(this app reads versions 1 to {FORMAT_VERSION})")
        body = migrate({k: v for k, v in data.items() if k != "version"}, version)
        check_fields(cls, body, ("model", "hardware"), "scenario", ScenarioError)
        for key, spec, lookup in (("model", ModelSpec, presets.model), ("hardware", HardwareSpec, presets.device)):
            try:
                body[key] = _resolve(body.get(key), spec, lookup)
            except (SpecError, HardwareError, presets.UnknownPreset, ScenarioError) as exc:
                raise ScenarioError(f"{key}: {exc}") from None
        return cls(**body)

    @classmethod
    def from_file(cls, path) -> "Scenario":
        """A scenario file from anywhere (size-capped, parsed as data); FileRefused names the file."""
        return untrusted.load(path, cls.from_dict, "json")

    @classmethod
    def from_json(cls, text: str) -> "Scenario":
        return cls.from_dict(loads(text))


def migrate(body: dict[str, Any], version: int) -> dict[str, Any]:
    """A scenario table of an older version as the current one. Version 1 (before serving) had no
    load, lengths or latency target: the defaults (one client, fixed lengths, 2 s / 100 ms at p90)
    are what it meant, so nothing is added; the step exists so a future change has one place."""
    if version == 1:
        return dict(body)
    return body


def loads(text: str, error: type[Exception] | None = None) -> Any:
    """JSON text as data; ``error`` (ScenarioError) names the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise (error or ScenarioError)(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _resolve(value: Any, cls: type[ModelSpec] | type[HardwareSpec], lookup) -> Any:
    """A spec given as a preset ID string or as a full table."""
    if isinstance(value, str):
        problem = text("ID", value, 64)
        if problem:
            raise ScenarioError(problem)
        return lookup(value)
    if isinstance(value, dict):
        return cls.from_dict(value)
    raise ScenarioError(f"must be a preset ID or an object (got {show(value)})")


OPTIONAL_FIELDS = ("eta_compute", "eta_memory", "price_per_hour")  # None: the hardware's default


def validate(s: Scenario) -> list[str]:
    """Every problem with ``s`` as a one-line phrase naming the field (empty when it is usable).

    This is the one definition of an acceptable scenario: the GUI's store, the CLI and every file
    loader build a Scenario, so all of them refuse the same inputs with the same words. Whatever
    passes gives finite, positive estimates (a property test holds this)."""
    problems: list[str] = []
    if not isinstance(s.model, ModelSpec):
        problems.append(f"model must be a model description (got {show(s.model)})")
    if not isinstance(s.hardware, HardwareSpec):
        problems.append(f"hardware must be a device description (got {show(s.hardware)})")
    for role in ("weights", "kv", "compute"):
        key = getattr(s, role)
        if not isinstance(key, str) or len(key) > 64:
            problems.append(f"{role} must be a number-format ID such as fp16 (got {show(key)})")
            continue
        try:
            fmt = presets.number_format(key)
        except presets.UnknownPreset as exc:
            problems.append(f"{role}: {exc}")
            continue
        if role not in fmt.roles:
            allowed = [k for k, f in presets.formats().items() if role in f.roles]
            problems.append(f"{fmt.name} cannot be used for {role} (choose one of {', '.join(allowed)})")
    problems += collect(choice("parallel", s.parallel, PARALLEL_MODES), flag("kv_cache", s.kv_cache),
                        choice("load_kind", s.load_kind, LOAD_KINDS), choice("lengths", s.lengths, LENGTH_KINDS))
    if s.slo_percentile not in SLO_PERCENTILES or isinstance(s.slo_percentile, bool):
        problems.append(f"slo_percentile must be one of 50, 90, 99 (got {show(s.slo_percentile)})")
    if s.runtime is not None:
        problems += _runtime_problems(s)
    for name, (lo, hi) in LIMITS.items():
        v = getattr(s, name)
        if not (v is None and name in OPTIONAL_FIELDS):
            problems += collect(number(name, v, lo, hi, integer=name in INTEGER_FIELDS))
    if not problems and s.load_kind == "concurrency" and float(s.load) != int(s.load):
        problems.append(f"load must be a whole number of clients for a concurrency load (got {show(s.load)})")
    if not problems and s.lengths == "uniform" and s.length_spread > 1:
        problems.append(f"length_spread must be at most 1 for uniform lengths (half-width ÷ mean; got {show(s.length_spread)})")
    if not problems and s.prompt + s.generate < 1:
        problems.append("prompt + generate must be at least 1 token")
    if not problems:
        m = s.model
        problems += layout_problems(s.parallel, s.devices, m.heads, m.kv_heads, m.layers)
        if s.devices > 1 and not s.hardware.interconnect_gbs > 0:
            problems.append(f"a link (GB/s between devices) above 0 is needed to split across {s.devices} devices; "
                            "set Devices to 1 to run without one")
    return problems


def _runtime_problems(s: Scenario) -> list[str]:
    if not isinstance(s.runtime, str) or len(s.runtime) > 64:
        return [f"runtime must be a runtime ID such as vllm (got {show(s.runtime)})"]
    try:
        rt = presets.runtime(s.runtime)
    except presets.UnknownPreset as exc:
        return [f"runtime: {exc}"]
    if isinstance(s.hardware, HardwareSpec) and not rt.runs_on(s.hardware.category, s.hardware.vendor):
        return [f"runtime: {rt.name} does not run on {s.hardware.name}"]
    return []


def runtime_of(s: Scenario):
    """The runtime profile a scenario uses (its own, or its hardware category's default)."""
    if s.runtime is not None:
        return presets.runtime(s.runtime)
    return presets.default_runtime(s.hardware.category, s.hardware.vendor)


def default_scenario() -> Scenario:
    """What the app opens with: Llama-2-7B in FP16 on an RTX 4090, a 1,024-token prompt."""
    return Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("rtx-4090"))
