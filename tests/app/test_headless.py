"""The GUI's headless paths: every failure is one line on stderr and a non-zero exit, never a
traceback, six lines of usage, a hang or a Qt abort; file text printed is escaped."""

import os
import subprocess
import sys

import pytest


def gui(tmp_path, *args, env=None, timeout=120):
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env = {**base, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_DATA_HOME": str(tmp_path / "d"), "INFERENCE_EXPLORER_LOG_DIR": str(tmp_path / "logs"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def only_line(out) -> str:
    assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
    lines = [ln for ln in out.stderr.strip().splitlines() if "propagateSizeHints" not in ln]
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.mark.parametrize("args,fragment", [(["--size", "10x10"], "--size: window size 10x10 is out of range"),
                                           (["--theme", "neon"], "--theme: invalid choice: 'neon'"),
                                           (["--export-tour"], "--export-tour needs --out DIR"),
                                           (["--no-such-option"], "unrecognized arguments: --no-such-option")])
def test_bad_gui_options_are_one_line_not_usage(tmp_path, args, fragment):
    out = gui(tmp_path, *args)
    line = only_line(out)
    assert out.returncode == 2 and fragment in line and "usage:" not in out.stderr, line


@pytest.mark.parametrize("factor", ["0", "-1", "nan", "abc", "1e9"])
def test_qt_scale_factor_that_crashes_qt_is_refused(tmp_path, factor):
    out = gui(tmp_path, "--self-test", env={"QT_SCALE_FACTOR": factor})
    line = only_line(out)
    assert out.returncode == 2 and "QT_SCALE_FACTOR must be a number from 0.1 to 10" in line


def test_screenshot_into_a_missing_folder_exits_1_with_one_line(tmp_path):
    target = tmp_path / "no" / "such" / "shot.png"
    out = gui(tmp_path, "--screenshot", str(target), "--size", "800x600")
    line = only_line(out)
    assert out.returncode == 1 and "could not write" in line and "shot.png" in line and not target.exists()


def test_screenshot_that_works_exits_0(tmp_path):
    target = tmp_path / "shot.png"
    out = gui(tmp_path, "--screenshot", str(target), "--size", "800x600")
    assert out.returncode == 0, out.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tour_step_titles_with_escape_sequences_are_printed_escaped(tmp_path):
    tour = tmp_path / "t.toml"
    tour.write_text('[tour]\ntitle = "T"\nversion = 1\n[start]\nmodel = "llama-2-7b"\n[[step]]\n'
                    'title = "a\\u001b]0;pwned\\u0007b"\ncaption = "x"\n')
    out = gui(tmp_path, "--export-tour", str(tour), "--out", str(tmp_path / "out"), "--size", "800x600")
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "a\\u001b]0;pwned\\u0007b" in out.stdout
