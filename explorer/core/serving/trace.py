"""A request trace from a CSV file: one row per request, columns ``arrival_s`` (seconds from the
start), ``input`` and ``output`` (tokens). Read through the untrusted loader (size-capped); every
refusal is one line naming the row and the column."""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from explorer.core.io import untrusted
from explorer.core.serving.workload import Trace

COLUMNS = ("arrival_s", "input", "output")
MAX_ROWS = 1_000_000
MAX_TOKENS = 10_000_000


class TraceError(ValueError):
    """A trace that cannot be used; the message is one line."""


def parse_trace(text: str) -> Trace:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TraceError(f"trace needs the column(s) {', '.join(missing)} (has {', '.join(reader.fieldnames or [])})")
    arr: list[float] = []
    inp: list[int] = []
    out: list[int] = []
    for line, row in enumerate(reader, start=2):
        if len(arr) >= MAX_ROWS:
            raise TraceError(f"trace has more than {MAX_ROWS:,} requests")
        vals = []
        for col, lo, hi, whole in (("arrival_s", 0.0, 1e9, False), ("input", 0, MAX_TOKENS, True),
                                   ("output", 1, MAX_TOKENS, True)):
            raw = (row.get(col) or "").strip()
            try:
                v = float(raw)
            except ValueError:
                raise TraceError(f"row {line}, {col}: not a number ({raw[:30]!r})") from None
            if not math.isfinite(v) or not lo <= v <= hi or (whole and v != int(v)):
                kind = "a whole number" if whole else "a number"
                raise TraceError(f"row {line}, {col}: must be {kind} from {lo:g} to {hi:g} (got {raw[:30]})")
            vals.append(v)
        arr.append(vals[0])
        inp.append(int(vals[1]))
        out.append(int(vals[2]))
    if not arr:
        raise TraceError("trace has no requests")
    return Trace(np.array(arr), np.array(inp, dtype=np.int64), np.array(out, dtype=np.int64))


def load_trace(path) -> Trace:
    """A trace file from anywhere (FileRefused names the file; TraceError the row)."""
    return parse_trace(untrusted.read_text(path))
