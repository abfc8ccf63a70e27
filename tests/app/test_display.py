"""Display checks before Qt starts: a display that does not answer, an unknown platform or a
dead Wayland socket give one line and exit 2 (Qt itself would abort with a core dump);
--self-test falls back to offscreen."""

import os
import socket
import subprocess
import sys

import pytest

from explorer.app.display import display_problem, x_server_answers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 / Wayland checks are for Linux")


def gui(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=120,
                          env={**base, **env})


def test_unix_socket_probe(tmp_path):
    path = tmp_path / "x"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(f"{path}:0")
    server.listen(1)
    try:
        assert x_server_answers(f"{path}:0")
    finally:
        server.close()
    assert not x_server_answers(f"{path}:0")  # the socket file is left behind, nobody listens


def test_problems_named_in_one_line(tmp_path):
    assert "DISPLAY=:97 does not answer" in display_problem({"DISPLAY": ":97"}, "linux")
    assert "'nonsense'" in display_problem({"QT_QPA_PLATFORM": "nonsense"}, "linux")
    dead = display_problem({"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux")
    assert "WAYLAND_DISPLAY=wayland-9 does not answer" in dead
    assert "unset" in display_problem({}, "linux")
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "nonsense;offscreen"}, "linux") is None
    assert display_problem({}, "darwin") is None


def test_gui_exits_2_with_one_line_for_each_bad_display(tmp_path):
    for env in ({"DISPLAY": ":97"}, {"QT_QPA_PLATFORM": "nonsense"},
                {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path)}):
        out = gui(env=env)
        assert out.returncode == 2, (env, out.returncode, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("inference-explorer: "), out.stderr


def test_self_test_falls_back_to_offscreen(tmp_path):
    out = gui("--self-test", env={"DISPLAY": ":97", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
                                  "INFERENCE_EXPLORER_LOG_DIR": str(tmp_path / "logs")})
    assert out.returncode == 0, out.stderr
    assert "[platform offscreen" in out.stdout + out.stderr


def test_scenario_file_refused_at_start_in_one_line(tmp_path):
    bad = tmp_path / "odd.json"
    bad.write_text('{"version": 1, "model": "llama-2-7b", "hardware": "h100-sxm", "weights": 5}')
    out = gui("--scenario-file", str(bad), env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                                                "XDG_CONFIG_HOME": str(tmp_path),
                                                "INFERENCE_EXPLORER_LOG_DIR": str(tmp_path / "logs")})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [line for line in out.stderr.strip().splitlines() if "propagateSizeHints" not in line]
    assert len(lines) == 1 and "odd.json" in lines[0] and "weights" in lines[0], out.stderr
