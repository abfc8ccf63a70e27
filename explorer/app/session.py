"""What the window remembers across runs: settings (geometry, theme, recent files, last
session), File › Open Recent, the autosave and the offer to restore it after a crash."""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from .. import APP_NAME
from ..core.state.appstate import AppState
from .autosave import Autosaver
from .settings import Settings


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def _bytes(text: str) -> QByteArray:
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except ValueError:
        return QByteArray()


class Session:
    def __init__(self, window, settings: Settings | None, autosave_path: Path | None):
        self.window = window
        self.settings = settings or Settings(None)
        self.autosaver = Autosaver(window.store, autosave_path, window)
        # A failed autosave (full disk, folder gone) stays in sight until a save works again.
        self.autosave_warning = QLabel()
        self.autosave_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.autosave_warning.setObjectName("autosaveWarning")
        self.autosave_warning.setStyleSheet("QLabel#autosaveWarning { color: #b00020; font-weight: bold; }")
        self.autosave_warning.hide()
        window.statusBar().addPermanentWidget(self.autosave_warning)
        self.autosaver.failed.connect(self._autosave_failed)
        self.autosaver.recovered.connect(self.autosave_warning.hide)

    def _autosave_failed(self, message: str) -> None:
        reason = " ".join(message.rsplit(": ", 1)[-1].split())  # the reason, not a long path hiding it
        self.autosave_warning.setText("⚠ Autosave failed: " + (reason if len(reason) <= 70 else reason[:69] + "…"))
        self.autosave_warning.setToolTip(message + "\nYour work is only in this window until a save succeeds; "
                                         "File › Save As writes it elsewhere.")
        self.autosave_warning.show()

    # -- start-up ----------------------------------------------------------------------------------
    def restore_window(self) -> bool:
        """Geometry and docks as they were; False when nothing was remembered."""
        d = self.settings.data
        if d.window_state:
            self.window.restoreState(_bytes(d.window_state))
        return bool(d.geometry) and self.window.restoreGeometry(_bytes(d.geometry))

    def offer_restore(self, state: AppState) -> bool:
        """After a crash: ask whether to bring back the autosaved session."""
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        answer = QMessageBox.question(
            self.window, APP_NAME, "The last session ended without closing the app (a crash or a kill). "
            "Restore its autosaved state — scenarios, pin and view?", yes | no, yes)
        if answer == yes:
            self.window.store.set_state(state)
            self.window.presenter.resume()
            self.window.statusBar().showMessage("Restored the autosaved session", 8000)
            return True
        self.autosaver.clear()
        return False

    # -- recent files -------------------------------------------------------------------------------
    def add_recent(self, path: str) -> None:
        self.settings.data = self.settings.data.with_recent(str(Path(path).resolve()))
        self.settings.save()

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        recent = self.settings.data.recent
        for i, path in enumerate(recent, start=1):
            act = menu.addAction(f"&{i % 10} {Path(path).name}")
            act.setStatusTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_recent(p))
        if not recent:
            menu.addAction("(none yet)").setEnabled(False)

    def open_recent(self, path: str) -> bool:
        if not Path(path).exists():
            self.settings.data = self.settings.data.without_recent(path)
            self.settings.save()
            self.window.files.error(f"{path} no longer exists; removed from Open Recent.")
            return False
        return self.window.files.open_scenario(path)

    # -- a clean exit -----------------------------------------------------------------------------
    def closing(self) -> None:
        w = self.window
        view = w.store.view
        self.settings.update(geometry=_b64(w.saveGeometry()), window_state=_b64(w.saveState()),
                             theme=view.theme, font_scale=view.font_scale,
                             last_session=w.store.state.to_dict())
        self.settings.save()
        self.autosaver.clear()
        self.autosaver.release()
