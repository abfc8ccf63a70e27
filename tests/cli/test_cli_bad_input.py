"""The command line with the input a hurried user or a stranger's file gives: exit 2, one line,
never a traceback; a write that fails leaves the old file intact."""

import json
import os
import subprocess
import sys

import pytest

from explorer.core.state.scenario import default_scenario

BASE = ("--model", "llama-2-7b", "--hardware", "rtx-4090")


def run(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=60)


def one_line(out, code=2) -> str:
    assert out.returncode == code, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.mark.parametrize("vary", ["prompt=1:1e400", "prompt=inf:inf", "prompt=nan:5", "prompt=-inf:3"])
def test_sweep_ranges_that_are_not_numbers(vary):
    assert "--vary" in one_line(run("sweep", *BASE, "--vary", vary, "--csv", "-"))


def test_prompt_over_the_limit_says_the_number_given():
    line = one_line(run("estimate", *BASE, "--prompt", "10000001"))
    assert "prompt" in line and "10000001" in line and "10,000,000" in line and "1e+07" not in line


def test_bad_scenario_file_names_file_and_field(tmp_path):
    d = json.loads(default_scenario().to_json())
    d["weights"] = 5
    f = tmp_path / "odd.json"
    f.write_text(json.dumps(d))
    line = one_line(run("estimate", "--scenario", str(f)))
    assert "odd.json" in line and "weights" in line


def test_model_file_with_wrong_types(tmp_path):
    f = tmp_path / "m.toml"
    f.write_text('layers = "many"\nd_model = 4096\nheads = 32\nkv_heads = 32\nffn = 11008\nvocab = 32000\n')
    line = one_line(run("estimate", "--model-file", str(f), "--hardware", "rtx-4090"))
    assert "m.toml" in line and "layers must be a whole number" in line
    f2 = tmp_path / "m.json"
    f2.write_text("[1, 2]")
    assert "m.json" in one_line(run("estimate", "--model-file", str(f2), "--hardware", "rtx-4090"))


@pytest.mark.skipif(os.name != "posix" or not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_special_file_as_scenario(tmp_path):
    link = tmp_path / "z.json"
    os.symlink("/dev/zero", link)
    assert "not a regular file" in one_line(run("estimate", "--scenario", str(link)))
