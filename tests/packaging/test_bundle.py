"""Smoke tests of the built bundle (`make test-package` builds it first). Skipped without a bundle."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bundle_env import clean_env, problems

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "InferenceExplorer"
EXE = BUNDLE / ("InferenceExplorer.exe" if sys.platform == "win32" else "InferenceExplorer")
READY = re.compile(r"SELF-TEST OK: ready in (?P<ready>[\d.]+) s \(first paint (?P<paint>[\d.]+) s")

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(not EXE.is_file(), reason=f"no bundle at {EXE} (run `make package`)"),
]


def run_self_test(tmp_path: Path, prefix: list[str] | None = None) -> tuple[str, re.Match]:
    log = tmp_path / "self-test.log"
    env = clean_env(tmp_path / "home", EXPLORER_SELF_TEST_LOG=str(log))
    proc = subprocess.run([*(prefix or []), str(EXE), "--self-test"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=90)
    output = proc.stdout + proc.stderr + (log.read_text(encoding="utf-8") if log.exists() else "")
    assert not problems(output), output
    assert proc.returncode == 0, f"exit {proc.returncode}\n{output}"
    ready = READY.search(output)
    assert ready, f"no ready line in:\n{output}"
    return output, ready


def test_bundle_self_test_without_display(tmp_path):
    output, _ready = run_self_test(tmp_path)
    if sys.platform.startswith("linux"):
        assert "[platform offscreen" in output, output  # it had no display and chose offscreen itself


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("xvfb-run"),
                    reason="needs Linux with xvfb-run (apt-get install xvfb xauth)")
def test_bundle_self_test_under_xvfb(tmp_path):
    output, _ready = run_self_test(tmp_path, ["xvfb-run", "-a"])
    assert "[platform xcb" in output, output  # the bundled xcb plugin and its libraries load


@pytest.mark.skipif(sys.platform == "win32", reason="the Windows build is windowed: no console for CLI output")
def test_bundle_cli_runs(tmp_path):
    proc = subprocess.run([str(EXE), "estimate", "--help"], cwd=tmp_path, env=clean_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--hardware" in proc.stdout, proc.stdout + proc.stderr


def test_bundle_is_trimmed():
    internal = BUNDLE / "_internal"
    names = {p.name.lower() for p in internal.rglob("*")}
    assert not any(n.endswith(".qm") for n in names), "Qt translations should be trimmed"
    assert not any(b.lower() in names for b in ("PyQt5", "PyQt6", "PySide2")), "one Qt binding only"
    assert any("qoffscreen" in n for n in names), "the offscreen platform plugin must stay"
    assert any("qsvg" in n for n in names), "the SVG image plugin must stay (icons)"
    assert not any(n.startswith(("libqvnc", "qvnc", "libqeglfs")) for n in names)
    # No TLS or OpenSSL (the app opens no connection; hashlib falls back to Python's SHA-256),
    # no `regex` (tiktoken needs it only for special tokens, which the app turns off).
    assert not any(n.startswith(("libssl", "libcrypto", "_ssl.", "_hashlib.", "_regex.")) for n in names)
