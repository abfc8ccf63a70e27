"""``python -m explorer --self-test`` from the source tree, as `make test` runs it (no bundle needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bundle_env import clean_env, problems

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_from_source_switches_to_offscreen(tmp_path):
    env = clean_env(tmp_path / "home")  # no display, no QT_QPA_PLATFORM: it must choose offscreen
    proc = subprocess.run([sys.executable, "-m", "explorer", "--self-test"], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=90)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert not problems(output), output
    assert "SELF-TEST OK: ready in" in proc.stdout, output
    if sys.platform.startswith("linux"):
        assert "[platform offscreen" in proc.stdout, output


def test_self_test_failure_is_one_clear_line(tmp_path):
    """A broken resource folder makes the self-test exit 1 naming the check, without a traceback."""
    code = ("import sys, explorer.resources as r; r.icon_files = lambda: []; "
            "from explorer.__main__ import main; sys.exit(main(['--self-test']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(tmp_path / "home"),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SELF-TEST FAILED: resources: no icons in" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
