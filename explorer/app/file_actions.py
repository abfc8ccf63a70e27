"""File actions of the main window: open, import a model, save, save as, export. Every refusal
is one line in the status bar and a warning box; the current state is left as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from . import message_box
from ..core.io.atomic import WriteError, write_text
from ..core.state.appstate import AppState


class FileActions:
    """What File › … does, for one window (``window.files``)."""

    def __init__(self, window):
        self.window = window
        self.store = window.store
        self.path: str | None = None  # the session file saved to / opened from

    def ask_path(self, save: bool, title: str, default: str, filters: str) -> str:
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = ask(self.window, title, default, filters)
        return path

    def import_model(self, path: str | None = None) -> bool:
        """Replace the model with one read from a config file (one undo step)."""
        from ..core.specs.model_import import load_model_file

        path = path or self.ask_path(False, "Import model config", "", "Model configs (*.json *.toml);;All files (*)")
        if not path:
            return False
        try:
            model = load_model_file(path)
        except ValueError as exc:
            self.error(f"Not imported: {exc}. The current model is unchanged.")
            return False
        return self.store.update(model=model)

    def open_scenario(self, path: str | None = None, example: bool = False) -> bool:
        """Open a session or scenario file; an example opens as an unsaved copy."""
        path = path or self.ask_path(False, "Open scenario", "", "Scenarios (*.json);;All files (*)")
        if not path:
            return False
        try:
            state = AppState.from_file(path)
        except ValueError as exc:  # FileRefused / ScenarioError: one line naming file, field, problem
            self.error(f"Not opened: {exc}. The current scenario is unchanged.")
            return False
        self.store.set_state(state)
        self.window.presenter.resume()  # a session saved mid-tour reopens at its step
        if not example:
            self.path = path
            self.store.mark_clean()
            self.window.session.add_recent(path)
        scenario = state.scenario
        self.window.statusBar().showMessage(f"Opened {Path(path).name}: {scenario.model.name} on "
                                     f"{scenario.devices}× {scenario.hardware.name}", 8000)
        return True

    def save(self) -> bool:
        """Save to the file the session came from, or ask for one."""
        return self.save_scenario(self.path)

    def save_scenario(self, path: str | None = None) -> bool:
        """Save the whole session (live and pinned scenario, view settings) as JSON."""
        path = path or self.ask_path(True, "Save session", "scenario.json", "Scenarios (*.json)")
        if not path:
            return False
        self.store.commit()
        try:
            write_text(path, self.store.state.to_json())
        except WriteError as exc:
            self.error(str(exc))
            return False
        self.path = path
        self.store.mark_clean()
        self.window.session.add_recent(path)
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def export_png(self, path: str | None = None) -> bool:
        self.window.settle()
        return self.window.slides.export("overview", "png", path)

    def error(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)
        message_box.warn(self.window, text)
