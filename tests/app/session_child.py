"""Run as a separate process by test_session.py: start the app the way `inference-explorer`
does (settings and autosave under $XDG_CONFIG_HOME / $XDG_DATA_HOME), then

    edit      make edits like a user, wait until the autosave holds them, print the state, idle
              (the test kills it with SIGKILL);
    second    a second instance while `edit` runs: print whether it was offered a restore and its
              autosave file, edit, wait for its own autosave, then quit cleanly (Discard);
    restore   answer "Yes" to the restore offer and print the state the window shows."""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from explorer import APP_NAME  # noqa: E402
from explorer.app import autosave  # noqa: E402
from explorer.app.application import _parse, start_window  # noqa: E402
from explorer.app.theme import apply_theme  # noqa: E402
from explorer.core.state.appstate import AppState  # noqa: E402

app = QApplication([])
app.setApplicationName(APP_NAME)
app.setOrganizationName("inference-explorer")
apply_theme(app)
mode = sys.argv[1]
asked = []


def answer(*a, **_k):
    if "unsaved changes" in str(a[2] if len(a) > 2 else a):
        return QMessageBox.StandardButton.Discard
    asked.append(True)
    return QMessageBox.StandardButton.Yes if mode == "restore" else QMessageBox.StandardButton.No


QMessageBox.question = staticmethod(answer)


def wait_for_autosave(window, path, deadline_s=60):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        app.processEvents()
        window.store.flush()
        if path.exists() and AppState.from_file(path) == window.store.state:
            return True
        time.sleep(0.01)
    return False
window = start_window(_parse([]))
window.show()
if mode == "edit":
    window.panels["workload"].batch.spin.setValue(24)
    window.pin_action.trigger()
    box = window.panels["precision"].controls["weights"]
    box.setCurrentIndex(box.findData("int4"))
    window.tabs.setCurrentIndex(1)
    path = window.session.autosaver.path
    assert path == autosave.default_path(), path  # the first instance has the first slot
    wait_for_autosave(window, path)
    print(window.store.state.to_json().replace("\n", " "), flush=True)
    print("READY", flush=True)
    app.exec()  # until killed
elif mode == "second":
    print("ASKED" if asked else "NOT ASKED", flush=True)
    path = window.session.autosaver.path
    print(path, flush=True)
    window.panels["workload"].batch.spin.setValue(7)
    print("SAVED" if wait_for_autosave(window, path) else "NOT SAVED", flush=True)
    window.close()
    print("GONE" if not path.exists() else "LEFT", flush=True)
else:
    print("ASKED" if asked else "NOT ASKED", flush=True)
    print(window.store.state.to_json().replace("\n", " "), flush=True)
