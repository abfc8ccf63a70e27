"""Run as a separate process by test_session.py: start the app the way `inference-explorer`
does (settings and autosave under $XDG_CONFIG_HOME / $XDG_DATA_HOME), then

    edit      make edits like a user, wait until the autosave holds them, print the state, idle
              (the test kills it with SIGKILL);
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
if mode == "restore":
    asked = []

    def yes(*_a, **_k):
        asked.append(True)
        return QMessageBox.StandardButton.Yes

    QMessageBox.question = staticmethod(yes)
window = start_window(_parse([]))
window.show()
if mode == "edit":
    window.panels["workload"].batch.spin.setValue(24)
    window.pin_action.trigger()
    box = window.panels["precision"].controls["weights"]
    box.setCurrentIndex(box.findData("int4"))
    window.tabs.setCurrentIndex(1)
    path = autosave.default_path()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        app.processEvents()
        window.store.flush()
        if path.exists() and AppState.from_file(path) == window.store.state:
            break
        time.sleep(0.01)
    print(window.store.state.to_json().replace("\n", " "), flush=True)
    print("READY", flush=True)
    app.exec()  # until killed
else:
    print("ASKED" if asked else "NOT ASKED", flush=True)
    print(window.store.state.to_json().replace("\n", " "), flush=True)
