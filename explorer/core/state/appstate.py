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
from explorer.core.specs.fields import check_fields, unknown_fields
from explorer.core.specs.hardware import HardwareSpec
from explorer.core.specs.checks import show
from explorer.core.specs.model import ModelSpec
from explorer.core.state import view_rules
from explorer.core.state.scenario import Scenario, _resolve, loads
from explorer.core.state.view_rules import COMPARE_DEVICES, HIGHWAY_SHOW, LOG_PLOTS, TABS, THEMES, StateError
from explorer.core.state.view_rules import check_choice as _check_choice
from explorer.core.state.view_rules import check_int as _check_int
from explorer.core.state.view_rules import check_num as _check_num

FORMAT = "inference-explorer-state"
STATE_VERSION = 2  # 1: a bare Scenario (scenario files); 2: AppState
# The view's names and limits live in view_rules (one place); re-exported here for readers of a state.
__all__ = ["AppState", "ViewState", "HighwaySettings", "StateError", "apply_partial", "migrate", "read_scenario",
           "TABS", "LOG_PLOTS", "THEMES", "HIGHWAY_SHOW", "COMPARE_DEVICES"]


@dataclass(frozen=True)
class HighwaySettings:
    lanes: int = 16
    closed: int = 0
    shared_percent: int = 0  # unified memory: CPU/display share of bandwidth, 0…50 %
    show: str = "live"

    def __post_init__(self) -> None:
        view_rules.check_highway(self)


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
        view_rules.check_log_axes(self.log_axes)
        if not isinstance(self.highway, HighwaySettings):
            raise StateError("view.highway must be an object")
        view_rules.check_compared(self.compared_devices)
        _check_choice("view.theme", self.theme, THEMES)
        _check_num("view.font_scale", self.font_scale, *view_rules.FONT_SCALE)
        if self.tour is not None and not isinstance(self.tour, str):
            raise StateError("view.tour must be a tour name or null")
        _check_int("view.tour_step", self.tour_step, *view_rules.TOUR_STEPS)

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
            raise StateError(unknown_fields("state", unknown))
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
        raise StateError(f"unsupported file version {show(version)}")
    if version > STATE_VERSION:
        raise StateError(f"written by a newer version of this app (file version {show(version)}; "
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
        raise StateError(unknown_fields("state", unknown))
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
        raise StateError(unknown_fields(where, unknown))
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
        hw = {k: v for k, v in hw.items() if k not in view_rules.RETIRED_HIGHWAY}
        check_fields(HighwaySettings, hw, (), "view.highway", StateError)
        changes["highway"] = hw
    if "compared_devices" in changes:
        devs = changes["compared_devices"]
        if not isinstance(devs, (list, tuple)) or not all(isinstance(d, str) for d in devs):
            raise StateError("view.compared_devices must be a list of hardware preset IDs")
        changes["compared_devices"] = tuple(devs)
    return view_rules.view_with(base, changes)
