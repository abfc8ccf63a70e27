"""What the app remembers between runs (window geometry, theme, recent files, the last
session), as a frozen value with a versioned JSON form. Pure Python: the Qt side
(``explorer.app.settings``) reads and writes the file, backs up a corrupt or newer one and
starts from defaults with a notice."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from explorer.core.specs.checks import show
from explorer.core.state.view_rules import FONT_SCALE, THEMES

SETTINGS_VERSION = 1
MAX_RECENT = 10


class SettingsError(ValueError):
    """A settings file that cannot be used; one line saying why."""


@dataclass(frozen=True)
class SettingsData:
    geometry: str = ""  # the main window's saveGeometry(), base64
    window_state: str = ""  # docks and toolbars (saveState()), base64
    theme: str = "light"
    font_scale: float = 1.0
    recent: tuple[str, ...] = ()  # most recent first
    last_session: dict | None = None  # an AppState as a dict (validated when used)

    def with_recent(self, path: str) -> "SettingsData":
        items = [path] + [p for p in self.recent if p != path]
        return replace(self, recent=tuple(items[:MAX_RECENT]))

    def without_recent(self, path: str) -> "SettingsData":
        return replace(self, recent=tuple(p for p in self.recent if p != path))

    def to_json(self) -> str:
        d = {"version": SETTINGS_VERSION, **{f.name: getattr(self, f.name) for f in fields(self)}}
        d["recent"] = list(self.recent)
        return json.dumps(d, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "SettingsData":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise SettingsError(f"not valid JSON ({getattr(exc, 'msg', exc)})") from None
        if not isinstance(data, dict):
            raise SettingsError("not a JSON object")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise SettingsError(f"no usable version number ({show(version)})")
        if version > SETTINGS_VERSION:
            raise SettingsError(f"written by a newer version of the app (settings version {show(version)}; "
                                f"this one reads {SETTINGS_VERSION})")
        body = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        return cls(**_checked(body))


def _checked(body: dict[str, Any]) -> dict[str, Any]:
    for name in ("geometry", "window_state"):
        if not isinstance(body.get(name, ""), str):
            raise SettingsError(f"{name} must be text")
    if body.get("theme", "light") not in THEMES:
        raise SettingsError(f"theme must be one of {', '.join(THEMES)}")
    scale = body.get("font_scale", 1.0)
    lo, hi = FONT_SCALE
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not lo <= scale <= hi:
        raise SettingsError(f"font_scale must be a number from {lo:g} to {hi:g}")
    recent = body.get("recent", [])
    if not isinstance(recent, list) or not all(isinstance(p, str) for p in recent):
        raise SettingsError("recent must be a list of file paths")
    body["recent"] = tuple(recent[:MAX_RECENT])
    if body.get("last_session") is not None and not isinstance(body["last_session"], dict):
        raise SettingsError("last_session must be an object")
    body["font_scale"] = float(scale)
    return body
