"""Run as a separate process by test_speaker_screens.py under Qt's offscreen platform with two
screens (QT_QPA_PLATFORM=offscreen:configfile=…): open the app on the screen named by argv[1], enter
presenter mode (F5), step once, wait a little over a second, and print what each screen shows
as JSON."""

import json
import os
import sys
import time

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from explorer.app.theme import apply_theme  # noqa: E402

app = QApplication([])
apply_theme(app)

from explorer.app.main_window import MainWindow  # noqa: E402
from explorer.core.state.appstate import AppState  # noqa: E402
from explorer.core.state.scenario import default_scenario  # noqa: E402


def settle(seconds: float = 0.0) -> None:
    end = time.monotonic() + seconds
    app.processEvents()
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def seen(w) -> dict:
    s = w.presenter.speaker
    out = {"window_screen": w.screen().name(), "window": list(w.geometry().getRect()),
           "stage_visible": w.presenter.stage.isVisible(), "speaker": None}
    if s is not None:
        out["speaker"] = {"visible": s.isVisible(), "screen": s.screen().name(), "geometry": list(s.geometry().getRect()),
                          "current": s.current.text(), "next": s.next_.text(), "notes": s.notes.text(),
                          "timer": s.timer_label.text(), "clock": s.now.text()}
    return out


screens = [{"name": s.name(), "geometry": list(s.geometry().getRect())} for s in app.screens()]
here = next(s for s in app.screens() if s.name() == sys.argv[1])  # the screen the window starts on
w = MainWindow(AppState(default_scenario()), settings=None, autosave_path=None)
w.setScreen(here)
w.move(here.geometry().topLeft())
w.show()
settle()
QTest.keyClick(w, Qt.Key.Key_F5)
settle(0.3)
first = seen(w)
QTest.keyClick(w, Qt.Key.Key_PageDown)
settle(1.3)
# On a loaded machine the step's redraw can eat the 1.3 s before the 1 s tick is handled: give the
# event loop up to 5 s more to deliver it (the parent still requires that it counted).
deadline = time.monotonic() + 5.0
while (w.presenter.speaker is not None and w.presenter.speaker.timer_label.text() == "00:00"
       and time.monotonic() < deadline):
    settle(0.05)
second = seen(w)
second["clock_then"] = time.strftime("%H:%M")
QTest.keyClick(w, Qt.Key.Key_Escape)
settle()
after = {"speaker_gone": w.presenter.speaker is None}
w.store.mark_clean()
w.close()
print(json.dumps({"screens": screens, "first": first, "second": second, "after": after}))
sys.stdout.flush()
