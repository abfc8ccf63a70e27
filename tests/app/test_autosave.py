"""Autosave timing and failure: saved within 1 s of the FIRST unsaved change however many follow;
a failed autosave is shown in the window, once, until a save succeeds; stale temporaries of a
killed save are removed at start."""

import os
import subprocess
import sys
import time

from explorer.app import autosave
from explorer.core.io.atomic import WriteError
from explorer.core.state.appstate import AppState


def window_with_autosave(qtbot, make_window, path):
    from explorer.app.main_window import MainWindow

    w = MainWindow(AppState.from_json(AppState(make_window().store.scenario).to_json()), autosave_path=path)
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_steady_stream_of_edits_is_saved_within_a_second_of_the_first(qtbot, make_window, tmp_path):
    path = tmp_path / "autosave.json"
    w = window_with_autosave(qtbot, make_window, path)
    times = []
    real = autosave.write_text

    def timed(*a, **k):  # when each save is written
        times.append(time.time())
        return real(*a, **k)

    autosave.write_text = timed
    try:
        start = time.time()
        for i in range(20):  # a commit every 100 ms for 2 s: a restarting 250 ms debounce never fires
            w.store.update(batch=2 + i)
            w.store.commit()
            qtbot.wait(100)
    finally:
        autosave.write_text = real
    assert times and times[0] - start <= 1.0, (times[:1], start)
    assert len(times) >= 2  # and it went on saving during the stream, not only after it
    assert AppState.from_file(path).scenario.batch >= 2
    assert w.close()


def test_failed_autosave_is_shown_once_until_a_save_works(qtbot, make_window, tmp_path, monkeypatch):
    path = tmp_path / "autosave.json"
    w = window_with_autosave(qtbot, make_window, path)
    label = w.session.autosave_warning
    failures = []
    w.session.autosaver.failed.connect(failures.append)

    def full(*_a, **_k):
        raise WriteError(f"could not write {path}: No space left on device; nothing was written")

    works = autosave.write_text
    monkeypatch.setattr(autosave, "write_text", full)
    for batch in (3, 4, 5):
        w.store.update(batch=batch)
        w.store.commit()
        qtbot.waitUntil(lambda: not w.session.autosaver._timer.isActive(), timeout=3000)
    assert label.isVisible() and "Autosave failed" in label.text() and "No space left on device" in label.text()
    assert len(failures) == 1  # said once, not once per attempt
    monkeypatch.setattr(autosave, "write_text", works)  # the disk has room again
    w.store.update(batch=6)
    w.store.commit()
    qtbot.waitUntil(lambda: path.exists(), timeout=3000)
    assert not label.isVisible()
    assert w.close()


def test_stale_temporaries_are_removed_at_start(qtbot, tmp_path, monkeypatch):
    from explorer.app.application import _parse, start_window

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    folders = [autosave.default_path().parent]
    from explorer.app.settings import Settings
    folders.append(Settings.default().path.parent)
    stale, live = [], []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        stale.append(folder / f".settings.json.{dead}.k3j2.tmp")
        live.append(folder / f".autosave-session.json.{os.getpid()}.zz9.tmp")
        for p in (stale[-1], live[-1]):
            p.write_text("half a save")
            os.utime(p, (time.time() - 600, time.time() - 600))
    w = start_window(_parse([]))
    qtbot.addWidget(w)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in live)  # a writer still running keeps its temporary
    w.store.mark_clean()
    assert w.close()
