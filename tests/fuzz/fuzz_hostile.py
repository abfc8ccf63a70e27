"""Round two of the fuzz inputs (issue 19): hostile names (control characters, lone surrogates,
HTML, spreadsheet formulas), non-finite and huge numbers in every field of every file type,
special files as outputs, and two processes writing at once; with the checks each must pass.

Used by tests/fuzz/test_fuzz_hostile.py; tallies go to fuzz_inputs.COUNTS (printed by `make fuzz`).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import socket
import stat
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

import fuzz_inputs as fz
from explorer import cli
from explorer.core.specs import presets

# -- hostile text -----------------------------------------------------------------------------------
FRAGMENTS = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\x07", "\x00", "\x7f", "\r", "\n", "\t", "\u2028", "\u202e",
             "\ud800", "\udfff", "\udc80", "<img src='/etc/hosts'>", "<b>bold</b>", "&amp;", "<a href=x>x</a>",
             '=HYPERLINK("http://x.example","y")', "+1", "-2+3", "@SUM(A1)", ",=1+1", "\"", "'", ";", "llama"]
hostile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1,
                        max_size=5).map("".join)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_printable(text: str, what: str) -> None:
    """What reached the terminal: only newlines, tabs and a CRLF's CR; no escape, no surrogate."""
    bad = RAW_CONTROL.search(text.replace("\r\n", "\n"))
    assert bad is None, (what, repr(bad.group()), text[max(0, bad.start() - 40):bad.end() + 40])


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


LLAMA_HF = {"model_type": "llama", "hidden_size": 256, "num_attention_heads": 4, "num_hidden_layers": 2,
            "intermediate_size": 512, "vocab_size": 1000, "max_position_embeddings": 2048}


def check_hostile_model_name(folder: Path, name: str, hf: bool, as_json: bool) -> None:
    """A model file whose name is hostile: `estimate` prints it escaped (JSON stays JSON)."""
    data = {**LLAMA_HF, "_name_or_path": name} if hf else {**fz.MODEL, "name": name}
    path = folder / "hostile-model.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # json escapes the surrogates: valid JSON
    rc, out, err = run_cli(["estimate", "--model-file", str(path), "--hardware", "rtx-4090"]
                           + (["--json"] if as_json else []))
    assert_printable(out, "stdout")
    assert_printable(err, "stderr")
    if rc == 0:
        if as_json:
            json.loads(out)
        fz.COUNTS["hostile names estimated"] += 1
    else:
        assert rc == 2 and len(err.strip().splitlines()) == 1, (rc, err)
        fz.COUNTS["hostile names refused"] += 1


def check_hostile_csv_cells(folder: Path, cells: list[str]) -> None:
    """A validation CSV with hostile model, runtime and source cells: `validate` output escaped."""
    def quoted(c: str) -> str:
        return '"' + c.replace('"', '""') + '"'
    row = [quoted(cells[0]), "rtx-4090", quoted(cells[1]), "fp16", "", "1", "tensor", "1", "128", "128",
           "decode_tokens_per_s", "50", quoted(cells[2])]
    path = folder / "hostile.csv"
    path.write_text(",".join(fz._CSV_LINES[0].decode().strip().split(",")[:12] + ["source"]) + "\n"
                    + ",".join(row) + "\n", encoding="utf-8", errors="surrogatepass")
    for argv in (["validate", str(path)], ["validate", str(path), "--json"]):
        rc, out, err = run_cli(argv)
        assert_printable(out, "stdout")
        assert_printable(err, "stderr")
        assert rc in (0, 2), (rc, err)
        if rc == 0 and "--json" in argv:
            json.loads(out)
    fz.COUNTS["hostile CSV cells validated"] += 1


def check_hostile_export_text(caption: str, cell: str) -> None:
    from explorer.app.present.export import safe_caption, safe_cell

    cap = safe_caption(caption)
    assert "\n" not in cap and "\r" not in cap
    assert not any(p.lstrip().startswith(("=", "+", "-", "@")) for p in cap.split(",")[1:]), cap
    got = safe_cell(cell)
    assert not got.lstrip().startswith(("=", "+", "-", "@", "\t", "\r")), got
    assert all(c.isprintable() for c in got)
    fz.COUNTS["hostile export cells"] += 1


def check_hostile_write(folder: Path, text: str) -> None:
    """write_text with a hostile string: written, or one WriteError line; the old file intact."""
    from explorer.core.io.atomic import WriteError, write_text

    target = folder / "hostile-out.txt"
    target.write_text("previous")
    try:
        write_text(target, text)
        assert target.read_bytes().decode("utf-8") == text
        fz.COUNTS["hostile texts written"] += 1
    except WriteError as exc:
        assert "\n" not in str(exc) and target.read_text() == "previous"
        fz.COUNTS["hostile texts refused by the write"] += 1
    assert sorted(p.name for p in folder.glob(".hostile-out.txt*")) == []


# -- non-finite numbers in every field of every file type ---------------------------------------------
BAD_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" + "0" * 400, "1e308", "-1e308", "5e-324"]
TOML_BAD = ["nan", "inf", "-inf", "1e999", "-1e999", "1" + "0" * 400, "1e308", "5e-324"]


def leaf_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every leaf of nested dicts/lists, as a key path."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in leaf_paths(v, prefix + (k,))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in leaf_paths(v, prefix + (i,))]
    return [prefix]


MARK = 987654.125  # a unique number put at the leaf, then replaced by the bad text


def with_bad_json(data: Any, path: tuple, bad: str) -> str:
    d = json.loads(json.dumps(data))
    target = d
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = MARK
    text = json.dumps(d)
    assert text.count(repr(MARK)) == 1
    return text.replace(repr(MARK), bad)


def all_finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(all_finite(v) for v in value)
    return True


def file_kinds(folder: Path) -> dict[str, tuple[Any, Callable[[Path], Any]]]:
    """Kind -> (a good document, a loader that returns something or raises ValueError one line)."""
    from explorer.core.specs import this_machine
    from explorer.core.specs.model_import import load_model_file
    from explorer.core.state.appstate import AppState
    from explorer.core.state.scenario import Scenario, default_scenario
    from explorer.core.state.settings import SettingsData

    def machine(path: Path):
        os.environ[this_machine.ENV_DIR] = str(path.parent)
        m = this_machine.load()
        return None if m is None else m.to_hardware()

    good_machine = {"copy_gbs": 20.0, "triad_gbs": 22.0, "fp32_tflops": 0.5, "fp64_tflops": 0.25, "memory_gib": 16.0,
                    "cpu": "cpu", "date": "2026-01-01T00:00:00+00:00", "seconds": 5.0, "matmul_n": 2048,
                    "array_mib": 256}
    state = json.loads(AppState(default_scenario(), pinned=default_scenario()).to_json())
    return {
        "scenario": (json.loads(default_scenario().to_json()), lambda p: Scenario.from_file(p).to_dict()),
        "session": (state, lambda p: AppState.from_file(p).to_dict()),
        "model": (fz.MODEL, lambda p: load_model_file(str(p)).to_dict()),
        "hf-config": ({**LLAMA_HF, "num_key_value_heads": 4, "head_dim": 64, "sliding_window": 1024,
                       "tie_word_embeddings": False}, lambda p: load_model_file(str(p)).to_dict()),
        "this-machine": (good_machine, machine),
        "settings": (json.loads(SettingsData(font_scale=1.0, recent=("a",)).to_json()),
                     lambda p: vars(SettingsData.from_json(p.read_text(encoding="utf-8")))),
    }


def check_bad_number(folder: Path, kind: str, good: Any, load: Callable[[Path], Any], path: tuple, bad: str) -> None:
    name = {"this-machine": "this-machine.json", "hf-config": "config.json"}.get(kind, f"fuzzed-{kind}.json")
    target = folder / kind / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(with_bad_json(good, path, bad), encoding="utf-8")
    try:
        value = load(target)
    except ValueError as exc:  # FileRefused, SettingsError, SpecError...: one line
        msg = str(exc)
        assert msg and "\n" not in msg and len(msg) <= 1200 and "Traceback" not in msg, msg
        fz.COUNTS["non-finite fields refused"] += 1
        return
    assert all_finite(value), (kind, path, bad, value)  # accepted only as a finite value (or ignored)
    fz.COUNTS["non-finite fields loaded finite or ignored"] += 1


def tour_with_bad_number(field: str, bad: str) -> str:
    where, key = field.split(".")
    base = '[tour]\ntitle = "T"\nversion = 1\n[start]\nmodel = "llama-2-7b"\n'
    if where == "start":
        return base + f'{key} = {bad}\n[[step]]\ntitle = "s"\ncaption = "c"\n'
    table = {"play": {"field": '"prompt"', "from": "1", "to": "100", "seconds": "2"}}.get(where, {})
    table[key] = bad
    inline = ", ".join(f"{k} = {v}" for k, v in table.items())
    return base + f'[[step]]\ntitle = "s"\ncaption = "c"\n{where} = {{ {inline} }}\n'


TOUR_FIELDS = [f"start.{k}" for k in ("batch", "prompt", "generate", "devices", "price_per_hour", "eta_compute",
                                      "eta_memory")] + \
              [f"scenario.{k}" for k in ("batch", "prompt", "generate", "devices", "eta_memory")] + \
              [f"pin.{k}" for k in ("batch", "prompt")] + [f"play.{k}" for k in ("from", "to", "seconds")] + \
              [f"highway.{k}" for k in ("lanes", "closed", "shared_percent", "target_tokens_per_s", "users")]


def check_tour_bad_number(field: str, bad: str) -> None:
    from explorer.core.features.tour import TourError, parse_tour

    try:
        tour = parse_tour(tour_with_bad_number(field, bad), "t.toml")
    except TourError as exc:
        assert "\n" not in str(exc) and len(str(exc)) <= 1200, str(exc)
        fz.COUNTS["non-finite tour fields refused"] += 1
        return
    for step in tour.steps:
        assert all_finite(step.scenario.to_dict()), (field, bad)
    fz.COUNTS["non-finite tour fields loaded finite"] += 1


# -- special files as outputs ----------------------------------------------------------------------------
SPECIALS = ["symlink", "dangling-symlink", "fifo-no-reader", "null-device", "full-device", "folder", "read-only",
            "socket", "missing-folder", "long-name"]


def make_special(folder: Path, kind: str, n: int):
    """A fresh output of ``kind`` in ``folder``; returns (path to give, what to check after)."""
    base = folder / f"out-{n}"
    if kind == "symlink":
        real = folder / f"real-{n}.csv"
        real.write_text("old")
        base.symlink_to(real)
        return base, lambda ok: base.is_symlink() and (real.read_text() != "old") == ok
    if kind == "dangling-symlink":
        base.symlink_to(folder / f"made-{n}.csv")
        return base, lambda ok: base.is_symlink() and (folder / f"made-{n}.csv").exists() == ok
    if kind == "fifo-no-reader":
        os.mkfifo(base)
        return base, lambda ok: stat.S_ISFIFO(os.stat(base).st_mode) and not ok
    if kind in ("null-device", "full-device"):
        if os.geteuid() != 0:
            return Path("/dev/null" if kind == "null-device" else "/dev/full"), lambda ok: True
        os.mknod(base, 0o666 | stat.S_IFCHR, os.makedev(1, 3 if kind == "null-device" else 7))
        return base, lambda ok: stat.S_ISCHR(os.stat(base).st_mode) and ok == (kind == "null-device")
    if kind == "folder":
        base.mkdir()
        return base, lambda ok: base.is_dir() and not ok
    if kind == "read-only":
        base.write_text("keep")
        base.chmod(0o444)
        return base, lambda ok: base.read_text() == "keep" and not ok
    if kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(base))
        return base, lambda ok: stat.S_ISSOCK(os.stat(base).st_mode) and not ok and (s.close() or True)
    if kind == "missing-folder":
        return folder / f"none-{n}" / "out.csv", lambda ok: not ok
    return folder / ("x" * 300), lambda ok: not ok


def check_special_output(folder: Path, kind: str, n: int) -> None:
    target, after = make_special(folder, kind, n)
    rc, out, err = run_cli(["sweep", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--vary", "prompt=1:64",
                            "--points", "3", "--csv", str(target)])
    lines = err.strip().splitlines()
    assert rc in (0, 1) and len(lines) == 1, (kind, rc, err)
    assert (rc == 0) == lines[0].startswith("wrote "), (kind, lines)
    assert after(rc == 0), (kind, rc, lines)
    assert not [p for p in folder.glob(".*.tmp")], list(folder.glob(".*.tmp"))
    fz.COUNTS[f"special outputs ({'written' if rc == 0 else 'refused'})"] += 1


# -- two processes at once ----------------------------------------------------------------------------------
def two_writers(folder: Path, rounds: int) -> None:
    """Two processes replace one file many times while this one reads it: every read is one whole
    version (never a mix, never truncated), and no temporary file is left."""
    import multiprocessing as mp

    target = folder / "shared.json"
    target.write_text(json.dumps({"writer": "none", "pad": "x" * 50_000}))
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    procs = [ctx.Process(target=_writer, args=(str(target), name, rounds)) for name in ("a", "b")]
    for p in procs:
        p.start()
    reads = 0
    while any(p.is_alive() for p in procs) or reads == 0:
        d = json.loads(target.read_text())
        assert d["writer"] in ("none", "a", "b") and len(d["pad"]) == 50_000
        reads += 1
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert not list(folder.glob(".shared.json.*"))
    fz.COUNTS["two-process write rounds"] += rounds
    fz.COUNTS["two-process reads (all whole)"] += reads


def _writer(path: str, name: str, rounds: int) -> None:
    from explorer.core.io.atomic import write_text

    for i in range(rounds):
        write_text(path, json.dumps({"writer": name, "i": i, "pad": name * 50_000}).replace(name * 50_000, "x" * 50_000))


__all__ = ["presets"]
