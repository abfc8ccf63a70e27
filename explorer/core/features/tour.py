"""Guided tours: a TOML file of steps, each a change to the app's state plus a caption.

A tour file is untrusted input. It is read with a size cap, parsed as data only (``tomllib``),
checked against ``explorer/data/tour.schema.json`` (JSON Schema, via ``jsonschema``), and then
every step's scenario is built and validated by :class:`Scenario` itself. Any problem refuses
the whole file with one message naming the line and the problem; nothing is half-loaded.

Semantics (also in the schema's description): ``[start]`` changes the default scenario; each
step's ``scenario`` changes the previous step's, so a step only says what moves. ``pin``
(scenario A for comparison, as changes to this step's scenario), ``view`` and ``highway`` are
set afresh by every step: a step that does not name them shows no pin, the overview tab and
the highway's defaults. So each step's state depends only on the file, never on the path
taken to reach it (stepping back gives exactly what stepping forward gave).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from explorer.core.features import stage_figures
from explorer.core.io import untrusted
from explorer.core.specs.checks import show
from explorer.core.specs.fields import brief_list
from explorer.core.state.appstate import AppState, HighwaySettings, StateError, ViewState, apply_partial
from explorer.core.state.view_rules import LOG_PLOTS, RETIRED_HIGHWAY
from explorer.core.state.scenario import (
    LIMITS,
    Scenario,
    ScenarioError,
    default_scenario,
)

MAX_TOUR_BYTES = 1_000_000  # a talk of 200 steps is ~100 kB; anything far larger is not a tour
TOUR_VERSION = 1
PLOT_KEYS = ("compute", "memory", "roofline", "compare")


class TourError(ValueError):
    """A tour that cannot be used; ``str()`` is one line: file, line and problem."""


@dataclass(frozen=True)
class Play:
    """Sweep one scenario field from ``start`` to ``stop`` over ``seconds`` (log-spaced)."""

    field: str
    start: float
    stop: float
    seconds: float = 4.0


@dataclass(frozen=True)
class TourStep:
    title: str
    caption: str
    scenario: Scenario  # the full scenario this step shows
    pin: Scenario | None = None  # scenario A drawn dashed for comparison
    tab: str = "overview"
    highlight: str | None = None
    solo: str | None = None
    log: dict[str, bool] = field(default_factory=dict)
    highway: dict[str, Any] = field(default_factory=dict)
    play: Play | None = None
    notes: str = ""
    line: int = 0  # where the step starts in its file (1-based; 0 when built in code)
    views: tuple[str, ...] = ()  # on stage: the hero view(s); () = chosen from solo/highlight/tab
    readouts: tuple[str, ...] = ()  # on stage: up to three figures (core/features/stage_figures.py)
    curves: tuple[str, ...] = ()  # on stage: the curves kept (() = all)
    figures: dict[str, float] = field(default_factory=dict)  # what the caption and readouts quote

    def stage_views(self) -> tuple[str, ...]:
        """The hero view(s) on stage: the step's own, else the highway, the solo or
        highlighted plot, else the compute plot."""
        if self.views:
            return self.views
        if self.tab == "highway":
            return ("highway",)
        for key in (self.solo, self.highlight):
            if key in PLOT_KEYS:
                return (key,)
        return ("compute",)


@dataclass(frozen=True)
class Tour:
    title: str
    steps: tuple[TourStep, ...]
    description: str = ""
    source: str = ""  # the file's name (messages)
    path: str = ""  # where it was read from: a session saved mid-tour names it (ViewState.tour)

    def __len__(self) -> int:
        return len(self.steps)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = resources.files("explorer.data").joinpath("tour.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


# -- reading --------------------------------------------------------------------------------
def load_tour(path: str | os.PathLike) -> Tour:
    """Read a tour file from anywhere (size-capped, regular files only: ``core.io.untrusted``)."""
    try:
        text = untrusted.read_text(path, MAX_TOUR_BYTES)
    except untrusted.FileRefused as exc:
        raise TourError(str(exc)) from None
    return replace(parse_tour(text, Path(path).name), path=str(Path(path).resolve()))


def parse_tour(text: str, name: str = "tour") -> Tour:
    """Parse and validate a whole tour; raises :class:`TourError` (file, line, problem)."""
    try:
        data = untrusted.parse(text, "toml", name)  # data only, depth-capped
    except untrusted.FileRefused as exc:
        m = re.search(r"^(.*) \(at line (\d+), column (\d+)\)\)$", str(exc))
        what = m.group(1).removeprefix(f"{name} ") + ")" if m else ""
        raise TourError(f"{name}, line {m.group(2)}, column {m.group(3)}: {what}" if m else str(exc)) from None
    _check_schema(data, text, name)
    steps: list[TourStep] = []
    try:
        current = _changed(default_scenario(), data.get("start", {}))
    except ScenarioError as exc:
        raise TourError(f"{name}, line {_locate(text, ['start'])}: [start]: {exc}") from None
    for i, raw in enumerate(data["step"]):
        where = f"{name}, line {_locate(text, ['step', i])}: step {i + 1}"
        part = "scenario"
        try:
            current = _changed(current, raw.get("scenario", {}))
            part = "pin"
            pin = _changed(current, raw["pin"], "pin") if "pin" in raw else None
        except ScenarioError as exc:
            line = _locate(text, ["step", i, part, *_field_named(str(exc), raw.get(part, {}))])
            raise TourError(f"{name}, line {line}: step {i + 1} {part}: {exc}") from None
        steps.append(_step(raw, current, pin, where, _locate(text, ["step", i])))
    head = data["tour"]
    tour = Tour(title=head["title"], description=head.get("description", ""), steps=tuple(steps), source=name)
    for i, step in enumerate(tour.steps):  # every step must make a valid app state
        try:
            state_for(tour, i)
        except ValueError as exc:
            raise TourError(f"{name}, line {step.line}: step {i + 1}: {exc}") from None
    return tour


def _field_named(message: str, changes: dict[str, Any]) -> list[str]:
    """The changed field a Scenario error message is about (it starts with the field name)."""
    named = [k for k in changes if message.startswith(k) or f"'{changes[k]}'" in message]
    return named[:1]


def _changed(base: Scenario, changes: dict[str, Any], part: str = "scenario") -> Scenario:
    """``base`` with a step's ``scenario`` (or ``pin``: over ``base``) changes, through the one
    partial-state mechanism (:func:`apply_partial`); the error names the field, not the part."""
    if not changes:
        return base
    key = "scenario" if part == "scenario" else "pinned"
    try:
        new = apply_partial(AppState(base), {key: changes})
    except StateError as exc:
        raise StateError(str(exc).removeprefix(f"{key}: ")) from None
    return new.scenario if key == "scenario" else cast(Scenario, new.pinned)


def highway_args(scenario: Scenario, settings: dict[str, Any] | HighwaySettings) -> dict[str, Any]:
    """lanes, closed and shared_fraction of a step's road (its ``highway`` table, or the view's
    settings) for :func:`stage_figures.step_figures`."""
    hw = settings if isinstance(settings, HighwaySettings) else HighwaySettings(
        **{k: v for k, v in settings.items() if k not in RETIRED_HIGHWAY})
    shared = hw.shared_percent / 100.0 if scenario.hardware.unified_memory else 0.0
    return {"lanes": hw.lanes, "closed": hw.closed, "shared_fraction": shared}


def _step(raw: dict[str, Any], scenario: Scenario, pin: Scenario | None, where: str, line: int) -> TourStep:
    view = raw.get("view", {})
    hw = dict(raw.get("highway", {}))
    if hw.get("closed", 0) > hw.get("lanes", 16):
        raise TourError(f"{where}: highway closes {hw['closed']} lanes of {hw.get('lanes', 16)}")
    play = None
    if "play" in raw:
        p = raw["play"]
        lo, hi = LIMITS[p["field"]]
        for key in ("from", "to"):
            if not lo <= p[key] <= hi or int(p[key]) != p[key]:
                raise TourError(f"{where}: play.{key} must be a whole number between {lo:g} and {hi:g} (got {p[key]})")
        if p["field"] == "prompt" and min(p["from"], p["to"]) + scenario.generate < 1:
            raise TourError(f"{where}: play would leave no tokens (prompt + generate must be at least 1)")
        play = Play(p["field"], float(p["from"]), float(p["to"]), float(p.get("seconds", 4.0)))
    stage = raw.get("stage", {})
    readouts = tuple(stage.get("readouts", ()))
    caption = raw["caption"]
    figures: dict[str, float] = {}
    try:
        if readouts or stage_figures.placeholders(caption):
            road = highway_args(scenario, hw) if view.get("tab") == "highway" else None
            figures = stage_figures.step_figures(scenario, pin, (play.field, play.start, play.stop) if play else None,
                                                 road)
        unknown = [r for r in readouts if not stage_figures.known(r)]
        if unknown:
            raise stage_figures.CaptionError(f"stage.readouts names unknown figure(s): "
                                             f"{brief_list([show(u) for u in unknown])}")
        caption = stage_figures.fill_caption(caption, figures)
    except stage_figures.CaptionError as exc:
        raise TourError(f"{where}: {exc}") from None
    return TourStep(title=raw["title"], caption=caption, scenario=scenario, pin=pin,
                    tab=view.get("tab", "overview"), highlight=view.get("highlight"), solo=view.get("solo"),
                    log=dict(view.get("log", {})), highway=hw, play=play, notes=raw.get("notes", ""), line=line,
                    views=tuple(stage.get("views", ())), readouts=readouts, curves=tuple(stage.get("curves", ())),
                    figures=figures)


def _check_schema(data: dict[str, Any], text: str, name: str) -> None:
    import jsonschema  # imported here: only tours need it

    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        loc = _locate(text, path + extra[:1])
    else:
        loc = _locate(text, path)
    label = _path_label(path)
    raise TourError(f"{name}, line {loc}: {label + ': ' if label else ''}{_message(error)}")


def _message(error) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        names = [k if k.isprintable() and len(k) <= 40 else show(k) for k in extra[:5]]
        return f"unknown field(s): {', '.join(names)}{' …' if len(extra) > 5 else ''}"
    if error.validator == "enum":
        return f"{show(error.instance)} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "maxItems" and isinstance(error.instance, list):
        return f"{len(error.instance):,} entries; at most {error.validator_value:,}"
    if error.validator == "minItems" and isinstance(error.instance, list):
        return f"{len(error.instance):,} entries; at least {error.validator_value:,}"
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"is too long ({len(error.instance):,} characters; at most {error.validator_value:,})"
    text = " ".join(error.message.split())  # quotes the value: never a page of it, never two lines
    return text if len(text) <= 300 else text[:299] + "…"


def _path_label(path: list) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f" {part + 1}"
        else:
            out += ("." if out and not out.endswith(tuple("0123456789")) else (" " if out else "")) + str(part)
    return out.strip()


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")


def _locate(text: str, path: list) -> int:
    """The 1-based line a JSON path points at, as near as the TOML text allows: the Nth
    ``[[step]]`` header, then a sub-table header or ``key =`` line inside it."""
    lines = text.splitlines()
    line, end = 0, len(lines)
    prefix: list[str] = []
    for part in path:
        if isinstance(part, int):
            headers = [i for i, s in enumerate(lines) if (m := _HEADER.match(s)) and s.lstrip().startswith("[[")
                       and m.group(1).replace(" ", "") == ".".join(prefix)]
            if part < len(headers):
                line = headers[part]
                later = [i for i in headers if i > line]
                end = later[0] if later else len(lines)
            continue
        prefix.append(str(part))
        for i in range(line, end):
            s = lines[i]
            m = _HEADER.match(s)
            if m and m.group(1).replace(" ", "").split(".")[-1] == str(part):
                line = i
                break
            if re.match(rf"^\s*\"?{re.escape(str(part))}\"?\s*=", s):
                return i + 1
    return line + 1


# -- a step as the app's state ------------------------------------------------------------------
def state_for(tour: Tour, index: int, current_view=None):
    """The AppState step ``index`` shows: its scenario and pin, and a view with its tab, log axes
    and highway settings (everything else — theme, font size, compared devices — stays as the
    user has it). Depends only on the tour and the index, never on the step shown before."""
    step = tour.steps[index]
    # What a step does not name is set afresh (no log axes, the highway's defaults), so clear
    # those first; then the step is a partial state like any other (appstate.apply_partial).
    view = replace(current_view or ViewState(), log_axes=(), highway=HighwaySettings())
    return apply_partial(AppState(step.scenario, step.pin, view), {"view": step_view(tour, index)})


def step_view(tour: Tour, index: int) -> dict[str, Any]:
    """The view fields step ``index`` sets, as a partial view state."""
    step = tour.steps[index]
    hw = dict(step.highway)
    logs = {k: v for k, v in step.log.items() if k in LOG_PLOTS}
    return {"tab": step.tab, "highway": hw, "log_axes": logs, "tour": tour.path or tour.source or tour.title,
            "tour_step": index}
