"""AppState: everything a user has set, as one frozen, Qt-free value.

    AppState
    ├── scenario   the live Scenario (the one the panels edit; "B" when a pin is set)
    ├── pinned     an optional pinned Scenario ("A"), drawn dashed under the live one
    └── view       ViewState: tab, log axes per plot, highway settings, compared devices,
                   theme and font scale, tour position

The GUI's store holds one AppState; undo, autosave, files and tours all work on these values.
JSON files carry ``format`` and ``version``; :func:`migrate` turns every file this app has
ever written into the current layout (a version-1 file is a bare Scenario) and refuses a
newer one with a clear message. :func:`apply_partial` applies a nested dict such as
``{"scenario": {"batch": 8}, "view": {"tab": "highway"}}`` with validation (tour steps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

from explorer.core.io import untrusted
from explorer.core.specs import presets
from explorer.core.specs.fields import check_fields
from explorer.core.specs.hardware import HardwareSpec
from explorer.core.specs.model import ModelSpec
from explorer.core.state.scenario import Scenario, ScenarioError, _resolve, loads

FORMAT = "inference-explorer-state"
STATE_VERSION = 2  # 1: a bare Scenario (scenario files); 2: AppState
TABS = ("overview", "highway", "serving", "plan", "post", "validation")  # serving: under load; plan: a deployment; post: "this post as input"; validation: measured vs modelled
LOG_PLOTS = ("compute", "memory")  # plots with a log-log toggle
THEMES = ("light", "dark", "presenter")  # presenter: the projector theme
HIGHWAY_SHOW = ("live", "pinned", "both")  # which scenario's traffic the highway shows


class StateError(ScenarioError):
    """A state file or partial state that cannot be used; one line naming the field."""


COMPARE_DEVICES = ("rtx-4090", "m2-ultra", "h100-pcie", "h100-sxm")  # the essay's comparison

@dataclass(frozen=True)
class HighwaySettings:
    lanes: int = 16
    closed: int = 0
    shared_percent: int = 0  # unified memory: CPU/display share of bandwidth, 0…50 %
    target_tokens_per_s: float | None = None  # per user; None = as fast as the hardware allows
    rate: float = 20.0  # the target entered (kept while "as fast as possible" is chosen)
    users: int = 1
    show: str = "live"

    def __post_init__(self) -> None:
        _check_int("highway.lanes", self.lanes, 1, 64)
        _check_int("highway.closed", self.closed, 0, self.lanes)
        _check_int("highway.shared_percent", self.shared_percent, 0, 50)
        _check_num("highway.rate", self.rate, 0.1, 100_000)
        if self.target_tokens_per_s is not None:
            _check_num("highway.target_tokens_per_s", self.target_tokens_per_s, 0.1, 100_000)
        _check_int("highway.users", self.users, 1, 1_000_000)
        _check_choice("highway.show", self.show, HIGHWAY_SHOW)


@dataclass(frozen=True)
class ViewState:
    tab: str = "overview"
    log_axes: tuple[tuple[str, bool], ...] = ()  # (plot, log?) for plots the user toggled
    highway: HighwaySettings = field(default_factory=HighwaySettings)
    compared_devices: tuple[str, ...] = COMPARE_DEVICES
    theme: str = "light"
    font_scale: float = 1.0
    tour: str | None = None
    tour_step: int = 0

    def __post_init__(self) -> None:
        _check_choice("view.tab", self.tab, TABS)
        for plot, on in self.log_axes:
            _check_choice("view.log_axes", plot, LOG_PLOTS)
            if not isinstance(on, bool):
                raise StateError(f"view.log_axes.{plot} must be true or false")
        if not isinstance(self.highway, HighwaySettings):
            raise StateError("view.highway must be an object")
        if not self.compared_devices or len(self.compared_devices) > 12:
            raise StateError("view.compared_devices must list 1 to 12 devices")
        for d in self.compared_devices:
            try:
                presets.device(d)
            except presets.UnknownPreset as exc:
                raise StateError(f"view.compared_devices: {exc}") from None
        _check_choice("view.theme", self.theme, THEMES)
        _check_num("view.font_scale", self.font_scale, 0.5, 3.0)
        if self.tour is not None and not isinstance(self.tour, str):
            raise StateError("view.tour must be a tour name or null")
        _check_int("view.tour_step", self.tour_step, 0, 10_000)

    def log(self, plot: str, default: bool) -> bool:
        return dict(self.log_axes).get(plot, default)

    def with_log(self, plot: str, on: bool) -> "ViewState":
        axes = dict(self.log_axes)
        axes[plot] = bool(on)
        return replace(self, log_axes=tuple(sorted(axes.items())))

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["log_axes"] = dict(self.log_axes)
        d["highway"] = {f.name: getattr(self.highway, f.name) for f in fields(HighwaySettings)}
        d["compared_devices"] = list(self.compared_devices)
        return d

    @classmethod
    def from_dict(cls, data: Any) -> "ViewState":
        return _view_from(cls(), data)


@dataclass(frozen=True)
class AppState:
    scenario: Scenario
    pinned: Scenario | None = None
    view: ViewState = field(default_factory=ViewState)

    def __post_init__(self) -> None:
        if not isinstance(self.scenario, Scenario):
            raise StateError("scenario must be a Scenario")
        if self.pinned is not None and not isinstance(self.pinned, Scenario):
            raise StateError("pinned must be a Scenario or null")

    def with_(self, **changes: Any) -> "AppState":
        return replace(self, **changes)

    def apply_partial(self, patch: dict[str, Any]) -> "AppState":
        return apply_partial(self, patch)

    # -- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": STATE_VERSION, "scenario": self.scenario.to_dict(),
                "pinned": None if self.pinned is None else self.pinned.to_dict(), "view": self.view.to_dict()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any) -> "AppState":
        data = migrate(data)
        unknown = sorted(set(data) - {"format", "version", "scenario", "pinned", "view"})
        if unknown:
            raise StateError(f"unknown state field(s): {', '.join(unknown)}")
        pinned = data.get("pinned")
        return cls(scenario=Scenario.from_dict(data.get("scenario")),
                   pinned=None if pinned is None else Scenario.from_dict(pinned),
                   view=ViewState.from_dict(data.get("view") or {}))

    @classmethod
    def from_file(cls, path) -> "AppState":
        """A session or scenario file from anywhere (size-capped, parsed as data); FileRefused
        names the file."""
        return untrusted.load(path, cls.from_dict, "json")

    @classmethod
    def from_json(cls, text: str) -> "AppState":
        return cls.from_dict(loads(text, StateError))


def migrate(data: Any) -> dict[str, Any]:
    """Any file this app has written, as a version-2 state dict (not yet validated)."""
    if not isinstance(data, dict):
        raise StateError("a scenario or session file must hold a JSON object")
    version = data.get("version")
    if data.get("format") != FORMAT:
        if "model" in data or "hardware" in data:  # version 1: a bare Scenario
            return {"format": FORMAT, "version": STATE_VERSION, "scenario": data, "pinned": None, "view": {}}
        raise StateError("neither a scenario nor a session file (no 'model' and no 'format' field)")
    if isinstance(version, bool) or not isinstance(version, int):
        raise StateError(f"unsupported file version {version!r}")
    if version > STATE_VERSION:
        raise StateError(f"written by a newer version of this app (file version {version}; "
                         f"this version reads up to {STATE_VERSION}): update the app to open it")
    if version < STATE_VERSION:
        raise StateError(f"unsupported file version {version!r}")
    return dict(data)


def read_scenario(text: str) -> Scenario:
    """The live scenario of a scenario or session file (what the CLI's --scenario reads)."""
    return AppState.from_json(text).scenario


# -- partial states (tour steps, files) ----------------------------------------------------
SCENARIO_FIELDS = tuple(f.name for f in fields(Scenario))


def apply_partial(state: AppState, patch: Any) -> AppState:
    """``state`` with the nested dict ``patch`` applied, e.g.
    ``{"scenario": {"weights": "int4", "model": "mixtral-8x7b"}, "pinned": None,
    "view": {"tab": "highway", "highway": {"closed": 3}}}``. ``pinned`` takes None (clear),
    ``"scenario"`` (pin the live scenario as it is after this patch) or a partial scenario
    over the pinned (or, with no pin, the live) one. Raises StateError naming the field."""
    if not isinstance(patch, dict):
        raise StateError("a partial state must be an object")
    unknown = sorted(set(patch) - {"scenario", "pinned", "view"})
    if unknown:
        raise StateError(f"unknown state field(s): {', '.join(unknown)}")
    scenario = state.scenario
    if "scenario" in patch:
        scenario = _scenario_patch(scenario, patch["scenario"], "scenario")
    pinned = state.pinned
    if "pinned" in patch:
        p = patch["pinned"]
        if p is None:
            pinned = None
        elif p == "scenario":
            pinned = scenario
        else:
            pinned = _scenario_patch(pinned or scenario, p, "pinned")
    view = _view_from(state.view, patch["view"]) if "view" in patch else state.view
    return AppState(scenario, pinned, view)


def _scenario_patch(base: Scenario, patch: Any, where: str) -> Scenario:
    if not isinstance(patch, dict):
        raise StateError(f"{where} must be an object of scenario fields")
    patch = {k: v for k, v in patch.items() if k != "version"}
    unknown = sorted(set(patch) - set(SCENARIO_FIELDS))
    if unknown:
        raise StateError(f"unknown {where} field(s): {', '.join(unknown)}")
    changes = dict(patch)
    try:
        if "model" in changes:
            changes["model"] = _resolve(changes["model"], ModelSpec, presets.model)
        if "hardware" in changes:
            changes["hardware"] = _resolve(changes["hardware"], HardwareSpec, presets.device)
        return base.with_(**changes)
    except StateError:
        raise
    except (ValueError, TypeError, presets.UnknownPreset) as exc:
        raise StateError(f"{where}: {exc}") from None


def _view_from(base: ViewState, data: Any) -> ViewState:
    if not isinstance(data, dict):
        raise StateError("view must be an object")
    check_fields(ViewState, data, (), "view", StateError)
    changes = dict(data)
    if "log_axes" in changes:
        axes = changes["log_axes"]
        if not isinstance(axes, dict):
            raise StateError("view.log_axes must map plot names to true/false")
        merged = dict(base.log_axes)
        merged.update(axes)
        changes["log_axes"] = tuple(sorted(merged.items()))
    if "highway" in changes:
        hw = changes["highway"]
        if not isinstance(hw, dict):
            raise StateError("view.highway must be an object")
        check_fields(HighwaySettings, hw, (), "view.highway", StateError)
        try:
            changes["highway"] = replace(base.highway, **hw)
        except TypeError as exc:
            raise StateError(f"view.highway: {exc}") from None
    if "compared_devices" in changes:
        devs = changes["compared_devices"]
        if not isinstance(devs, (list, tuple)) or not all(isinstance(d, str) for d in devs):
            raise StateError("view.compared_devices must be a list of hardware preset IDs")
        changes["compared_devices"] = tuple(devs)
    return replace(base, **changes)


# -- checks ---------------------------------------------------------------------------------
def _check_int(name: str, v: Any, lo: int, hi: int) -> None:
    if isinstance(v, bool) or not isinstance(v, int):
        raise StateError(f"{name} must be a whole number (got {v!r})")
    if not lo <= v <= hi:
        raise StateError(f"{name} must be between {lo} and {hi} (got {v})")


def _check_num(name: str, v: Any, lo: float, hi: float) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
        raise StateError(f"{name} must be a number (got {v!r})")
    if not lo <= v <= hi:
        raise StateError(f"{name} must be between {lo:g} and {hi:g} (got {v:g})")


def _check_choice(name: str, v: Any, choices: tuple[str, ...]) -> None:
    if v not in choices:
        raise StateError(f"{name} must be one of {', '.join(choices)} (got {v!r})")
