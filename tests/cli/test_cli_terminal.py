"""What reaches the terminal, and how the command line ends: file text never sends a control
sequence; Ctrl+C, a full or closed stdout and an ASCII-only terminal each end in one line (or
none), never a traceback; a measurement that cannot be saved is still shown."""

import json
import os
import signal
import subprocess
import sys

import pytest

from explorer import cli
from explorer.core.specs import this_machine

ESC_TITLE = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


def run(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})), **kw)


def hf_config(tmp_path, name: str):
    f = tmp_path / "config.json"
    f.write_text(json.dumps({"model_type": "llama", "_name_or_path": name, "hidden_size": 4096,
                             "num_attention_heads": 32, "num_hidden_layers": 32, "intermediate_size": 11008,
                             "vocab_size": 32000}), encoding="utf-8")
    return f


def test_escape_sequences_in_a_name_are_shown_escaped_in_text_and_json(tmp_path):
    f = hf_config(tmp_path, ESC_TITLE + "\u202eevil")
    out = run("estimate", "--model-file", str(f), "--hardware", "rtx-4090")
    assert out.returncode == 0, out.stderr
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in out.stdout
    assert "\\u001b]0;pwned\\u0007" in out.stdout
    js = run("list", "models", "--json")  # JSON output stays JSON: the escape is a JSON escape
    assert js.returncode == 0 and isinstance(json.loads(js.stdout), dict)
    assert cli.one_line("a\x9bb\nc") == "a\\u009bb\\u000ac"


def test_escape_sequences_in_validation_fields_and_errors(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("model,hardware,weights,kv,devices,parallel,batch,prompt,generate,metric,value\n"
                 f"{ESC_TITLE},rtx-4090,fp16,,1,tensor,1,128,128,decode_tokens_per_s,50\n", encoding="utf-8")
    out = run("validate", str(f))
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x9b" not in out.stdout and "\\u001b" in out.stdout
    bad = run("estimate", "--model", ESC_TITLE, "--hardware", "rtx-4090")
    assert bad.returncode == 2 and "\x1b" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_ascii_terminal_does_not_crash_on_the_times_sign():
    out = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", env={"PYTHONIOENCODING": "ascii"})
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "\\xd7" in out.stdout  # "1 × RTX 4090" shown as an escape


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="Linux /dev/full")
def test_full_stdout_is_one_line_not_a_traceback():
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "explorer", "list", "models"], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == "inference-explorer: error: could not write the output: No space left on device"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell")
def test_closed_stdout_and_closed_pipe_print_no_traceback():
    closed = subprocess.run(["sh", "-c", f"'{sys.executable}' -m explorer list models >&-"], capture_output=True,
                            text=True, timeout=60)
    assert "Traceback" not in closed.stderr and "Exception" not in closed.stderr
    piped = subprocess.run(["sh", "-c", f"'{sys.executable}' -m explorer list hardware | head -1"],
                           capture_output=True, text=True, timeout=60)
    assert piped.stderr == "" and len(piped.stdout.splitlines()) == 1


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_in_measure_exits_130_with_one_line(tmp_path):
    env = dict(os.environ, **{this_machine.ENV_DIR: str(tmp_path)})
    with subprocess.Popen([sys.executable, "-m", "explorer", "measure"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as p:
        first = p.stderr.readline()  # the first progress line: measuring has begun
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    assert "%" in first
    assert p.returncode == 130
    assert err.strip().splitlines()[-1] == "inference-explorer: interrupted" and "Traceback" not in err
    assert not (tmp_path / "this-machine.json").exists()


MEASURED = this_machine.Measurement(copy_gbs=20.0, triad_gbs=22.0, fp32_tflops=0.5, fp64_tflops=0.25,
                                    memory_gib=16.0, cpu="Test CPU", date="2026-01-01T00:00:00+00:00", seconds=5.0,
                                    matmul_n=2048, array_mib=256)


def test_measure_with_unwritable_config_shows_the_result_and_says_not_saved(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(this_machine.ENV_DIR, str(blocker / "config"))
    monkeypatch.setattr(this_machine, "measure", lambda progress=None, **_: MEASURED)
    assert cli.main(["measure"]) == 1
    out, err = capsys.readouterr()
    assert "22.0 GB/s triad" in out and "500.0 GFLOP/s FP32" in out and "saved to" not in out
    assert err.strip().splitlines()[-1].startswith("inference-explorer: error: the measurement above was not saved: "
                                                   "could not create the folder")
    assert cli.main(["measure", "--json"]) == 1
    out, _ = capsys.readouterr()
    d = json.loads(out)
    assert d["saved"] is None and d["triad_gbs"] == 22.0 and "could not create" in d["not_saved"]


def test_lone_surrogate_in_a_name_neither_crashes_estimate_nor_sweep(tmp_path):
    f = tmp_path / "config.json"
    f.write_text(hf_config(tmp_path, "x").read_text().replace('"x"', '"bad \\ud800 name"'), encoding="utf-8")
    out = run("estimate", "--model-file", str(f), "--hardware", "rtx-4090")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "bad \ufffd name" in out.stdout
    sweep = run("sweep", "--model-file", str(f), "--hardware", "rtx-4090", "--vary", "prompt=1:64", "--points", "3",
                "--csv", str(tmp_path / "out.csv"))
    assert sweep.returncode == 0, sweep.stderr
