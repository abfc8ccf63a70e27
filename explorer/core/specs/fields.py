"""What the spec dataclasses (ModelSpec, HardwareSpec, Scenario) share: checking a table's
field names before building one, and turning an edited preset into a 'Custom (from …)' copy."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Iterable

from explorer.core.specs.checks import show


def brief_list(shown: list[str], most: int = 5) -> str:
    """Names already shown short, in one line: the first ``most``, and how many more."""
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"{', '.join(shown[:most])}{more}"


def unknown_fields(kind: str, names) -> str:
    """One line naming unknown field names: at most five, each shown short (a file may hold a
    3,000-character key), and how many more."""
    shown = sorted((k if isinstance(k, str) and k.isprintable() and len(k) <= 40 else show(k) for k in names), key=str)
    return f"unknown {kind} field(s): {brief_list(shown)}"


def check_fields(cls: type, data: dict[str, Any], required: Iterable[str], kind: str,
                 error: type[Exception]) -> None:
    """Raise ``error`` with one line naming unknown or missing fields of a ``kind`` table."""
    if not isinstance(data, dict):
        raise error(f"a {kind} must be a table of fields (got {show(data)})")
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise error(unknown_fields(kind, unknown))
    missing = [n for n in required if n not in data]
    if missing:
        raise error(f"{kind} is missing field(s): {', '.join(missing)}")


def custom_copy(spec: Any, changes: dict[str, Any], **also: Any) -> Any:
    """``spec`` with ``changes``; the result is named after the preset it came from."""
    if not changes:
        return spec
    base = (spec.based_on or spec.name)[:120]
    return replace(spec, **changes, id="custom", name=f"Custom (from {base})", based_on=base, **also)
