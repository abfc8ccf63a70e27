"""Text from a file, made safe to print: control characters (C0, C1, DEL), line and paragraph
separators and bidirectional overrides are shown as ``\\uXXXX`` escapes, never sent to a
terminal, where ``ESC ] 0 ;`` sets the window title and ``ESC [ 2 J`` clears the screen.
The escape is valid inside a JSON string, so JSON output stays JSON."""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_STREAM = re.compile(f"[{_CONTROLS}]|\r(?!\n)")  # keeps newline, tab and a CRLF line end
_LINE = re.compile(f"[{_CONTROLS}\n\t\r]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


def escape_controls(text: str) -> str:
    """Everything but newlines and tabs escaped (for whole reports and JSON documents)."""
    return _STREAM.sub(_escape, text)


def one_line(text: str, limit: int = 1000) -> str:
    """One printable line: every control character escaped, newlines included; long text cut."""
    text = _LINE.sub(_escape, _SURROGATE.sub(_escape, str(text)))
    return text if len(text) <= limit else text[:limit - 1] + "…"
