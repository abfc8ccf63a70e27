"""Writing tour steps: 'add this state as a step' builds a talk by clicking.

The step holds the whole scenario (so it stands alone when steps are reordered), the pin, the
tab, log axes and highway settings, and a placeholder caption to edit. The new text is parsed
back with :func:`core.tour.parse_tour` before it is returned, so a file written here always
opens.
"""

from __future__ import annotations

import json
import re
from typing import Any

from explorer.core.features.tour import parse_tour

PLACEHOLDER = "Write what this step shows (a sentence or two)."
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k)


def _scenario_table(s) -> dict[str, Any]:
    d = s.to_dict()
    d.pop("version", None)
    d["model"] = s.model.id if s.model.id != "custom" else d["model"]
    d["hardware"] = s.hardware.id if s.hardware.id != "custom" else d["hardware"]
    return {k: v for k, v in d.items() if v is not None}


def step_text(state, title: str, highlight: str | None = None, caption: str = PLACEHOLDER) -> str:
    view = state.view
    lines = ["[[step]]", f"title = {toml_value(title)}", f"caption = {toml_value(caption)}",
             f"scenario = {toml_value(_scenario_table(state.scenario))}"]
    if state.pinned is not None:
        lines.append(f"pin = {toml_value(_scenario_table(state.pinned))}")
    v: dict[str, Any] = {"tab": view.tab}
    if highlight:
        v["highlight"] = highlight
    if view.log_axes:
        v["log"] = dict(view.log_axes)
    lines.append(f"view = {toml_value(v)}")
    hw = view.highway
    table = {"lanes": hw.lanes, "closed": hw.closed, "shared_percent": hw.shared_percent}
    lines.append(f"highway = {toml_value(table)}")
    return "\n".join(lines) + "\n"


def append_step(old_text: str | None, state, title: str, highlight: str | None = None) -> str:
    """``old_text`` (a tour file, or None for a new one) with one more step; checked by parsing."""
    head = old_text if old_text is not None else (
        '[tour]\ntitle = "My talk"\nversion = 1\ndescription = "Built with Tour › Add this state as a step."\n')
    text = head.rstrip("\n") + "\n\n" + step_text(state, title, highlight)
    parse_tour(text, "the new tour")  # raises TourError if it would not open
    return text
