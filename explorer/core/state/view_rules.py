"""What a view state may hold, and what an edit of it implies — one rule each, beside
``edit_rules`` (the scenario's). The GUI's controls take their ranges from here and the store
refuses, with the line these checks raise, whatever breaks them:

* tabs, themes, plots with a log toggle, "whose traffic the highway shows": the names here;
* the devices compared: 1 to :data:`MAX_COMPARED` hardware presets (un-ticking the last one
  keeps it; a 13th is refused);
* the highway: 1–64 lanes, closed lanes 0…lanes (fewer lanes close fewer: :func:`highway_changes`),
  0–50 % shared, a per-user rate of 0.1–100,000 tokens/s, 1–1,000,000 users;
* font scale 0.5–3 (zoom moves along :data:`FONT_STEPS`).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any

from explorer.core.specs.checks import show
from explorer.core.specs.fields import unknown_fields
from explorer.core.state.scenario import ScenarioError

if TYPE_CHECKING:
    from explorer.core.state.appstate import HighwaySettings, ViewState

TABS = ("overview", "highway", "post", "validation", "serving", "plan")  # post: "this post as input"; validation: measured vs modelled; serving: under load; plan: a deployment
LOG_PLOTS = ("compute", "memory")  # plots with a log-log toggle
THEMES = ("light", "dark", "presenter")  # presenter: the projector theme
HIGHWAY_SHOW = ("live", "pinned", "both")  # which scenario's traffic the highway shows
COMPARE_DEVICES = ("rtx-4090", "m2-ultra", "h100-pcie", "h100-sxm")  # the essay's comparison
MAX_COMPARED = 12  # devices in the comparison chart (bars stay readable)

LANES = (1, 64)
SHARED_PERCENT = (0, 50)  # unified memory: CPU/display share of bandwidth
# The token-arrival highway's settings (a fixed group of users with a per-user token rate), retired
# when the highway was rebuilt on the serving model (requests arriving: Scenario.load). Sessions
# and tours written before still open: these keys are read and dropped.
RETIRED_HIGHWAY = frozenset({"target_tokens_per_s", "rate", "users"})
FONT_SCALE = (0.5, 3.0)
FONT_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)  # View › Zoom in/out
TOUR_STEPS = (0, 10_000)


class StateError(ScenarioError):
    """A state file or partial state that cannot be used; one line naming the field."""


# -- checks (ViewState and HighwaySettings run them when built) ----------------------------
def check_highway(hw: HighwaySettings) -> None:
    check_int("highway.lanes", hw.lanes, *LANES)
    check_int("highway.closed", hw.closed, 0, hw.lanes)
    check_int("highway.shared_percent", hw.shared_percent, *SHARED_PERCENT)
    check_choice("highway.show", hw.show, HIGHWAY_SHOW)


def check_log_axes(axes: Any) -> None:
    """(plot, log?) pairs, one per plot that has a log toggle."""
    if not isinstance(axes, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in axes):
        raise StateError("view.log_axes must map plot names to true/false")
    for plot, on in axes:
        check_choice("view.log_axes", plot, LOG_PLOTS)
        if not isinstance(on, bool):
            raise StateError(f"view.log_axes.{plot} must be true or false")


def check_compared(devices: Any) -> None:
    from explorer.core.specs import presets

    if not isinstance(devices, tuple) or not devices or len(devices) > MAX_COMPARED:
        raise StateError(f"view.compared_devices must list 1 to {MAX_COMPARED} devices")
    for d in devices:
        try:
            presets.device(d)
        except presets.UnknownPreset as exc:
            raise StateError(f"view.compared_devices: {exc}") from None


def check_int(name: str, v: Any, lo: int, hi: int) -> None:
    if isinstance(v, bool) or not isinstance(v, int):
        raise StateError(f"{name} must be a whole number (got {show(v)})")
    if not lo <= v <= hi:
        raise StateError(f"{name} must be between {lo} and {hi} (got {show(v)})")


def check_num(name: str, v: Any, lo: float, hi: float) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
        raise StateError(f"{name} must be a number (got {show(v)})")
    if not lo <= v <= hi:
        raise StateError(f"{name} must be between {lo:g} and {hi:g} (got {show(v)})")


def check_choice(name: str, v: Any, choices: tuple[str, ...]) -> None:
    if v not in choices:
        raise StateError(f"{name} must be one of {', '.join(choices)} (got {show(v)})")


# -- what an edit implies ---------------------------------------------------------------------
def highway_changes(hw: HighwaySettings, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` to the highway settings ``hw`` completed with what they imply: a road cut to
    fewer lanes than are closed has all its lanes closed (the closed count follows the road
    down). A change that sets both and closes more lanes than there are is refused by the check."""
    out = dict(changes)
    lanes = out.get("lanes")
    if "closed" not in out and isinstance(lanes, int) and not isinstance(lanes, bool) and 1 <= lanes < hw.closed:
        out["closed"] = lanes
    return out


def compared_toggled(devices: tuple[str, ...], device: str, on: bool) -> tuple[str, ...]:
    """The compared devices after ticking (``on``) or un-ticking ``device``: the last one stays
    (a chart of nothing says nothing); past :data:`MAX_COMPARED` the store refuses the result."""
    now = list(devices)
    if on and device not in now:
        now.append(device)
    elif not on and device in now and len(now) > 1:
        now.remove(device)
    return tuple(now)


def zoom(scale: float, direction: int) -> float:
    """View › Zoom: the next step of :data:`FONT_STEPS` up (direction > 0) or down (< 0); 0 resets."""
    if direction == 0:
        return 1.0
    if direction > 0:
        return next((s for s in FONT_STEPS if s > scale + 1e-9), FONT_STEPS[-1])
    return next((s for s in reversed(FONT_STEPS) if s < scale - 1e-9), FONT_STEPS[0])


def view_with(view: ViewState, changes: dict[str, Any]) -> ViewState:
    """``view`` with ``changes``, the rules above applied; ``highway`` may be a partial dict of
    its fields. StateError names the field when a change is unknown or breaks a rule (the
    store shows the line and keeps the old view)."""
    unknown = sorted(set(changes) - {f.name for f in fields(view)})
    if unknown:
        raise StateError(unknown_fields("view", unknown))
    changes = dict(changes)
    if isinstance(changes.get("compared_devices"), list):
        changes["compared_devices"] = tuple(changes["compared_devices"])
    hw = changes.get("highway")
    if isinstance(hw, dict):
        unknown = sorted(set(hw) - {f.name for f in fields(view.highway)})
        if unknown:
            raise StateError(unknown_fields("view.highway", unknown))
    try:
        if isinstance(hw, dict):
            changes["highway"] = replace(view.highway, **highway_changes(view.highway, hw))
        return replace(view, **changes)
    except TypeError as exc:
        raise StateError(f"view: {exc}") from None
