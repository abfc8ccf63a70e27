"""Autosave, crash recovery (a real SIGKILL), settings that survive corruption, --safe-mode,
Open Recent."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.app.settings import Settings
from explorer.core.state.appstate import AppState
from explorer.core.state.settings import SETTINGS_VERSION, SettingsData

CHILD = Path(__file__).with_name("session_child.py")
ROOT = Path(__file__).resolve().parents[2]


def test_autosave_round_trip_and_clean_exit_clears(qtbot, make_window, tmp_path):
    from explorer.app.main_window import MainWindow

    path = tmp_path / "data" / "autosave.json"
    w = MainWindow(AppState.from_json(AppState(make_window().store.scenario).to_json()), autosave_path=path)
    qtbot.addWidget(w)
    w.show()
    w.panels["workload"].batch.spin.setValue(12)
    w.pin_action.trigger()
    w.store.set_view(tab="highway")
    qtbot.waitUntil(lambda: path.exists() and AppState.from_file(path) == w.store.state, timeout=3000)
    saved = AppState.from_file(path)
    assert saved.scenario.batch == 12 and saved.pinned == saved.scenario and saved.view.tab == "highway"
    assert w.close()  # the test's answer to "unsaved changes?" is Discard
    assert not path.exists()


def _env(tmp_path) -> dict:
    return dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
                QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_killed_with_sigkill_then_restored_equal(tmp_path):
    env = _env(tmp_path)
    with subprocess.Popen([sys.executable, str(CHILD), "edit"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as child:
        try:
            state_line = child.stdout.readline()
            ready = child.stdout.readline().strip()
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(30)
    assert ready == "READY", state_line
    assert child.returncode == -signal.SIGKILL
    before = AppState.from_json(state_line)
    assert before.scenario.batch == 24 and before.scenario.weights == "int4" and before.pinned.weights == "fp16"
    again = subprocess.run([sys.executable, str(CHILD), "restore"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    asked, restored = again.stdout.splitlines()[:2]
    assert asked == "ASKED"
    assert AppState.from_json(restored) == before


@pytest.mark.parametrize("text", ['{"version": 1, "recent": "oops"}', "{not json", "[]",
                                  json.dumps({"version": SETTINGS_VERSION + 1})])
def test_corrupt_or_future_settings_are_backed_up_and_reset(tmp_path, text):
    path = tmp_path / "settings.json"
    path.write_text(text)
    s = Settings(path)
    assert s.data == SettingsData()
    assert "reset to defaults" in s.notice
    backups = list(tmp_path.glob("settings.json.bad-*"))
    assert len(backups) == 1 and backups[0].read_text() == text and not path.exists()
    assert s.save() and Settings(path).data == SettingsData()


def test_settings_remember_geometry_theme_recent_and_session(qtbot, make_window, tmp_path):
    w = make_window()
    w.session.settings = Settings(tmp_path / "s.json")
    w.store.set_view(theme="presenter")
    w.files.save_scenario(str(tmp_path / "one.json"))
    w.store.update(batch=5)
    w.files.save_scenario(str(tmp_path / "two.json"))
    assert w.close()
    data = Settings(tmp_path / "s.json").data
    assert data.theme == "presenter" and data.geometry
    assert [Path(p).name for p in data.recent] == ["two.json", "one.json"]
    assert AppState.from_dict(data.last_session) == w.store.state
    w.store.set_view(theme="light")


def test_open_recent_menu(qtbot, make_window, tmp_path, no_modal_boxes):
    w = make_window()
    w.session.settings = Settings(tmp_path / "s.json")
    w.store.update(batch=9)
    w.files.save_scenario(str(tmp_path / "nine.json"))
    w.store.update(batch=2)
    w.store.commit()
    w.recent_menu.aboutToShow.emit()
    entry = [a for a in w.recent_menu.actions() if "nine.json" in a.text()][0]
    entry.trigger()
    w.settle()
    assert w.store.scenario.batch == 9
    (tmp_path / "nine.json").unlink()
    w.recent_menu.aboutToShow.emit()
    [a for a in w.recent_menu.actions() if "nine.json" in a.text()][0].trigger()
    assert "no longer exists" in no_modal_boxes[-1]
    w.recent_menu.aboutToShow.emit()
    assert not any("nine.json" in a.text() for a in w.recent_menu.actions())


def test_safe_mode_reads_and_writes_nothing(qtbot, tmp_path, monkeypatch):
    from explorer.app.application import _parse, start_window

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    w = start_window(_parse(["--safe-mode"]))
    qtbot.addWidget(w)
    assert w.session.settings.path is None and w.session.autosaver.path is None
    w.store.update(batch=3)
    w.store.commit()
    assert w.close()
    assert not any(tmp_path.rglob("*.json"))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_second_instance_neither_offers_nor_deletes_the_first_ones_autosave(tmp_path):
    env = _env(tmp_path)
    with subprocess.Popen([sys.executable, str(CHILD), "edit"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as first:
        try:
            state_line = first.stdout.readline()
            assert first.stdout.readline().strip() == "READY", state_line
            saved = [p for p in (tmp_path / "data").rglob("autosave-session.json")]
            assert len(saved) == 1 and AppState.from_file(saved[0]) == AppState.from_json(state_line)
            second = subprocess.run([sys.executable, str(CHILD), "second"], env=env, capture_output=True, text=True,
                                    timeout=120)
            assert second.returncode == 0, second.stderr
            asked, own_path, wrote, after = second.stdout.splitlines()[:4]
            assert asked == "NOT ASKED"  # the first session is still open: nothing to restore
            assert Path(own_path) != saved[0] and Path(own_path).parent == saved[0].parent
            assert wrote == "SAVED" and after == "GONE"  # its own autosave, removed at its clean exit
            assert AppState.from_file(saved[0]) == AppState.from_json(state_line)  # the first one's is intact
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(30)
    again = subprocess.run([sys.executable, str(CHILD), "restore"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    asked, restored = again.stdout.splitlines()[:2]
    assert asked == "ASKED"  # the first instance died: its slot and its work come back
    assert AppState.from_json(restored) == AppState.from_json(state_line)
