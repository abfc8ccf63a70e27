"""No HOME, an empty one, or one that does not exist: settings, autosave and the log go to ONE
private folder (never /.config), HOME is never created, and the user is told; when no folder
is writable, nothing is remembered and the user is told that."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import folders

pytestmark = pytest.mark.skipif(os.name != "posix", reason="HOME and XDG folders are POSIX")


@pytest.fixture(autouse=True)
def keep_state():
    saved = folders.state
    yield
    folders.state = saved


@pytest.mark.parametrize("home", [None, "", "missing"])
def test_resolve_points_every_xdg_folder_into_one_private_folder(tmp_path, home):
    env = {} if home is None else {"HOME": str(tmp_path / "missing") if home == "missing" else home}
    got = folders.resolve(env, base=tmp_path)
    root = tmp_path / f"inference-explorer-{os.getuid()}"
    assert got.folder == root and got.writable
    assert {env[k] for k in folders.XDG} == {str(root / s) for s in ("config", "data", "state", "cache")}
    assert (os.stat(root).st_mode & 0o777) == 0o700
    assert ("HOME is not set" if home is None else "HOME is empty" if home == "" else "is not a folder") in got.notice
    assert str(root) in got.notice
    assert not (tmp_path / "missing").exists()


def test_a_usable_home_changes_nothing(tmp_path):
    env = {"HOME": str(tmp_path)}
    assert folders.resolve(env, base=tmp_path) == folders.Resolved() and env == {"HOME": str(tmp_path)}


def test_no_writable_folder_says_nothing_can_be_kept(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    got = folders.resolve({"HOME": ""}, base=blocker)
    assert not got.writable and "cannot be kept this run" in got.notice


def test_someone_elses_or_open_folder_is_not_used(tmp_path):
    root = tmp_path / f"inference-explorer-{os.getuid()}"
    root.mkdir(mode=0o777)
    root.chmod(0o777)
    got = folders.resolve({"HOME": ""}, base=tmp_path)
    assert not got.writable


def test_gui_with_empty_home_keeps_settings_and_log_in_the_one_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "INFERENCE_EXPLORER_LOG_DIR", *folders.XDG)}
    env.update(HOME="", TMPDIR=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    had_root_config = Path("/.config").exists()
    out = subprocess.run([sys.executable, "-m", "explorer", "--screenshot", str(tmp_path / "s.png"), "--size",
                          "800x600"], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    root = tmp_path / f"inference-explorer-{os.getuid()}"
    assert f"HOME is empty: settings, autosave and the log are kept in {root}" in out.stderr
    assert list((root / "config").rglob("settings.json")), list(root.rglob("*"))
    assert list((root / "state").rglob("*.log")), list(root.rglob("*"))
    assert had_root_config or not Path("/.config").exists()
