"""What the fuzz tests feed the app: generated scenario and model files (structured values in
wrong types and ranges, byte-level mutations of good files, nesting and size attacks) and
command-line argument vectors; and the checks every outcome must pass.

Used by tests/fuzz/test_fuzz.py (a few thousand inputs in the suite) and by ``make fuzz``
(FUZZ_EXAMPLES=10000 or more). COUNTS tallies outcomes so the long run can print them.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
from collections import Counter
from pathlib import Path

from hypothesis import strategies as st

from explorer import cli
from explorer.core.specs import presets
from explorer.core.engine.estimate import estimate
from explorer.core.state.scenario import Scenario, default_scenario
from explorer.core.io.untrusted import FileRefused

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))  # 0: the suite's own small counts
COUNTS: Counter = Counter()

GOOD = json.loads(default_scenario().to_json())
MODEL = presets.model("mixtral-8x7b" if "mixtral-8x7b" in presets.models() else "llama-2-7b").to_dict()

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from([0, 1, -1, 10**400, 1e308, -1e20, 0.5, 1e-320, "fp16", "q4_0", "tensor",
                                           "llama-2-7b", "h100-sxm", "x" * 3000]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


@st.composite
def structured(draw, base: dict) -> bytes:
    """``base`` with a few fields (top-level or nested) replaced, removed or added."""
    d = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 4))):
        target = d
        if draw(st.booleans()):
            nested = [k for k, v in d.items() if isinstance(v, dict)]
            if nested:
                target = d[draw(st.sampled_from(sorted(nested)))]
        keys = sorted(target) or ["x"]
        key = draw(st.one_of(st.sampled_from(keys), st.text(max_size=6)))
        if draw(st.integers(0, 5)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(values)
    return json.dumps(d, allow_nan=True).encode()


JSON_JUNK = [b"[" * 2000, b"1" * 5000, b"NaN", b"-Infinity", b"\xef\xbb\xbf", b'"\\ud800"', b"1e999", b"{}",
             b"null", b"true"]
TEXT_JUNK = [b"[" * 3000, b"1" * 5000, b"nan", b"inf", b"-1e400", b"\n[[step]]\n", b'"\n', b"= ", b",,,,", b"\x00",
             b"1e308", b"-5"]


def _splice(draw, data: bytes, junk: list[bytes]) -> bytes:
    """A few splices: truncations, inserted random bytes, flipped bytes, inserted junk."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 3))
        if op == 0:
            del data[i:i + draw(st.integers(1, 40))]
        elif op == 1:
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == 2 and i < len(data):
            data[i] = draw(st.integers(0, 255))
        else:
            data[i:i] = draw(st.sampled_from(junk))
    return bytes(data)


@st.composite
def mutated(draw, base: dict) -> bytes:
    """Bytes of a good JSON file with a few splices."""
    return _splice(draw, json.dumps(base, indent=1).encode(), JSON_JUNK)


attacks = st.sampled_from([
    b"", b"\xef\xbb\xbf{}", b"[]", b"null", b"[" * 100_000, b'{"a":' * 5000, b"\xff\xfe\x00", b"{" + b" " * 10**6,
    json.dumps({**GOOD, "model": {"id": "x" * 10**6}}).encode(), b'{"version": 1e400}',
    json.dumps({**GOOD, "batch": 10**4000}).encode()[:100_000],
])


def scenario_files() -> st.SearchStrategy[bytes]:
    return st.one_of(structured(GOOD), structured(GOOD), mutated(GOOD), attacks)


def model_files() -> st.SearchStrategy[bytes]:
    return st.one_of(structured(MODEL), mutated(MODEL), attacks)


def _one_line(msg: str, name: str) -> None:
    assert msg and "\n" not in msg and len(msg) <= 1200, msg
    assert msg.startswith((f"{name}", "cannot read")), msg


def check_scenario_file(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    try:
        s = Scenario.from_file(path)
    except FileRefused as exc:
        _one_line(str(exc), path.name)
        COUNTS["scenario files refused"] += 1
        return "refused"
    e = estimate(s)
    assert all(math.isfinite(v) for v in e.to_dict().values() if isinstance(v, float)), e
    COUNTS["scenario files loaded"] += 1
    return "loaded"


def check_model_file(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    try:
        m = cli.load_model_file(str(path))
    except FileRefused as exc:
        _one_line(str(exc), path.name)
        COUNTS["model files refused"] += 1
        return "refused"
    assert m.params_total > 0
    COUNTS["model files loaded"] += 1
    return "loaded"


# -- argument vectors -----------------------------------------------------------------------------
WORDS = ["list", "estimate", "sweep", "models", "hardware", "formats", "--json", "--model", "--hardware",
         "--model-file", "--scenario", "--devices", "--parallel", "--weights", "--kv", "--compute", "--batch",
         "--prompt", "--generate", "--no-kv-cache", "--price-per-hour", "--eta-compute", "--eta-memory", "--vary",
         "--points", "--csv", "-h", "--", "-"]
NUMBERS = ["0", "1", "2", "-1", "7", "1024", "10000000", "10000001", "1e400", "inf", "-inf", "nan", "0.5", "1e-300",
           "99999999999999999999", "1_000", "0x10", " 3", "", "٣"]
IDS = sorted(presets.models())[:6] + sorted(presets.hardware())[:6] + sorted(presets.formats()) + [
    "tensor", "pipeline", "nope", "x" * 500]
VARY = ["prompt=1:32768", "prompt=1:1e400", "prompt=inf:inf", "batch=0:5", "devices=1:8", "generate=5:1",
        "colour=1:3", "prompt", "prompt=1:", "=:", "prompt=nan:nan", "prompt=0:10000000"]
FILES = ["good.json", "bad.json", "model.toml", "zero.json", "fifo.json", "missing.json", ".", "out.csv",
         "/nonexistent/dir/out.csv"]


def argv_vectors() -> st.SearchStrategy[list[str]]:
    token = st.one_of(st.sampled_from(WORDS), st.sampled_from(NUMBERS), st.sampled_from(IDS), st.sampled_from(VARY),
                      st.sampled_from(FILES), st.text(max_size=6))
    start = st.sampled_from([["estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090"],
                             ["estimate", "--model", "llama-3-8b", "--hardware", "h100-sxm"],
                             ["estimate", "--scenario", "good.json"],
                             ["sweep", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--csv", "-", "--points", "5", "--vary", "prompt=1:32768"],
                             ["estimate"], ["sweep"], ["list"], []])
    small = st.sampled_from(["1", "2", "4", "8", "64", "512", "4096", "0"])
    pair = st.one_of(
        st.tuples(st.sampled_from(["--batch", "--prompt", "--generate", "--devices"]), st.one_of(small, st.sampled_from(NUMBERS))),
        st.tuples(st.sampled_from(["--weights", "--kv", "--compute"]), st.sampled_from(sorted(presets.formats()))),
        st.tuples(st.sampled_from(["--eta-compute", "--eta-memory", "--price-per-hour"]),
                  st.sampled_from(["0.5", "0.01", "1", "2", "nan", "0", "3.5"])),
        st.tuples(st.just("--parallel"), st.sampled_from(["tensor", "pipeline", "both"])),
        st.tuples(st.just("--json"),), st.tuples(st.just("--no-kv-cache"),))
    sensible = st.lists(pair, max_size=4).map(lambda ps: [t for p in ps for t in p])
    tail = st.one_of(sensible, sensible, st.lists(token, max_size=8))
    return st.tuples(start, tail).map(lambda t: t[0] + t[1])


def make_files(folder: Path) -> None:
    """The files argument vectors may name (run with ``folder`` as the working directory)."""
    (folder / "good.json").write_text(default_scenario().to_json())
    (folder / "bad.json").write_text('{"version": 1, "model": 5}')
    (folder / "model.toml").write_text('layers = 2\nd_model = 64\nheads = 4\nkv_heads = 4\nffn = 128\nvocab = 100\n')
    if os.name == "posix" and os.path.exists("/dev/zero") and not (folder / "zero.json").exists():
        os.symlink("/dev/zero", folder / "zero.json")
    if hasattr(os, "mkfifo") and not (folder / "fifo.json").exists():
        os.mkfifo(folder / "fifo.json")


def check_argv(argv: list[str]) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main(argv)
        except SystemExit as exc:  # --help / -h print usage and exit 0
            assert exc.code in (0, None), (argv, exc.code, err.getvalue())
            rc = 0
    if rc == 0:
        COUNTS["argument vectors run"] += 1
    else:
        lines = err.getvalue().strip().splitlines()
        assert rc in (1, 2) and len(lines) == 1 and lines[0].startswith("inference-explorer: error: "), (argv, rc, lines)
        assert "Traceback" not in err.getvalue()
        COUNTS["argument vectors refused"] += 1
    return rc


# -- tours, validation CSV, settings ----------------------------------------------------------------
REPO = Path(__file__).resolve().parents[2]
TOUR_TEXT = (REPO / "resources" / "tours" / "essay.toml").read_bytes()
_CSV_LINES = (REPO / "resources" / "validation" / "published_measurements.csv").read_bytes().splitlines(True)


@st.composite
def byte_mutated(draw, data: bytes) -> bytes:
    return _splice(draw, data, TEXT_JUNK)


def tour_files() -> st.SearchStrategy[bytes]:
    return st.one_of(byte_mutated(TOUR_TEXT), attacks)


@st.composite
def validation_csvs(draw) -> bytes:
    """The header and a few rows of the published measurements, then mutated."""
    rows = draw(st.lists(st.sampled_from(_CSV_LINES[1:]), min_size=1, max_size=6))
    return draw(byte_mutated(b"".join([_CSV_LINES[0], *rows])))


def check_text_file(kind: str, path: Path, data: bytes, load, refused: type[Exception]) -> str:
    """``load(path)`` either gives a value or raises ``refused`` with one line."""
    path.write_bytes(data)
    try:
        load(path)
    except refused as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and len(msg) <= 1200, msg
        COUNTS[f"{kind} refused"] += 1
        return "refused"
    COUNTS[f"{kind} loaded"] += 1
    return "loaded"


# -- partial view states (AppStore.set_view) ----------------------------------------------------
_ANY = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.floats(allow_nan=True, allow_infinity=True),
                 st.text(max_size=12), st.lists(st.integers(0, 3), max_size=3))
_DEVICE_IDS = sorted(presets.hardware()) + ["no-such-device", ""]


@st.composite
def view_changes(draw) -> dict:
    """A random partial view state, most of it near the rules' edges (13 devices, closed > lanes,
    font scale 3.01), some of it junk of the wrong type or unknown fields."""
    out: dict = {}
    pick = draw(st.sets(st.sampled_from(["tab", "log_axes", "highway", "compared_devices", "theme", "font_scale",
                                         "tour", "tour_step", "junk"]), min_size=1, max_size=4))
    if "tab" in pick:
        out["tab"] = draw(st.sampled_from(["overview", "highway", "post", "validation", "slides", 3]))
    if "log_axes" in pick:
        out["log_axes"] = draw(st.one_of(st.just((("compute", True),)), st.just((("roofline", True),)), _ANY))
    if "highway" in pick:
        out["highway"] = draw(st.dictionaries(
            st.sampled_from(["lanes", "closed", "shared_percent", "rate", "users", "target_tokens_per_s", "show", "x"]),
            st.one_of(st.integers(-2, 70), st.floats(-1, 2e5), st.just(float("nan")), st.sampled_from(["live", "pinned", "a"]),
                      st.none()), max_size=4))
    if "compared_devices" in pick:
        out["compared_devices"] = tuple(draw(st.lists(st.sampled_from(_DEVICE_IDS), max_size=14)))
    if "theme" in pick:
        out["theme"] = draw(st.sampled_from(["light", "dark", "presenter", "neon", None]))
    if "font_scale" in pick:
        out["font_scale"] = draw(st.one_of(st.floats(0.4, 3.1), st.sampled_from([0.5, 3.0, 3.01, float("nan"), "1"])))
    if "tour" in pick:
        out["tour"] = draw(st.one_of(st.none(), st.text(max_size=8), st.integers()))
    if "tour_step" in pick:
        out["tour_step"] = draw(st.integers(-1, 10_001))
    if "junk" in pick:
        out[draw(st.sampled_from(["colour", "zoom", ""]))] = draw(_ANY)
    return out
