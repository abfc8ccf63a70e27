"""The main window's menus and its compare toolbar. Actions the window and the tests use stay
attributes of the window (``undo_action``, ``pin_action``, ``recent_menu`` …)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence

from .. import resources
from .panel_docks import PANELS
from .present.presenter import Presenter
from .present.slides import Slides
from .widgets import TextPane

COMPARE_NOTE_PX = 300  # the whole toolbar row still fits at 1280 px (text cut, full in the tooltip)


class CompareNote(TextPane):
    """A fixed-size pane a toolbar can lay out (it asks the size hint, which a plain widget lacks)."""

    def sizeHint(self) -> QSize:
        return QSize(self.width(), self.height())


def build_menus(window) -> None:
    def action(menu, text, slot, shortcut=None, tip=""):
        a = QAction(text, window)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    file = window.menuBar().addMenu("&File")
    action(file, "&Open…", window.files.open_scenario, QKeySequence.StandardKey.Open,
           "Open a session or scenario file (JSON)")
    action(file, "&Import model config…", window.files.import_model,
           tip="A model architecture: a Hugging Face config.json (Llama, Mistral, Mixtral, Qwen2, Gemma-2, "
               "Phi-3, GPT-2) or this app's model file")
    action(file, "&Save", window.files.save, QKeySequence.StandardKey.Save, "Save the session (scenarios and view)")
    action(file, "Save &as…", window.files.save_scenario, QKeySequence.StandardKey.SaveAs, "Save the session under a new name")
    action(file, "&Export overview as PNG…", window.files.export_png, "Ctrl+E", "Save the current tab as an image (2×, captioned)")
    window.slides = Slides(window, file)
    window.recent_menu = file.addMenu("Open &recent")
    window.recent_menu.aboutToShow.connect(lambda: window.session.fill_recent_menu(window.recent_menu))
    examples = file.addMenu("Exa&mples")
    for path in resources.scenario_files():
        action(examples, example_name(path), lambda _=False, p=str(path): window.files.open_scenario(p, example=True),
               tip=f"Open {path.name}")
    file.addSeparator()
    action(file, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    edit = window.menuBar().addMenu("&Edit")
    window.undo_action = action(edit, "&Undo", window.store.undo, QKeySequence.StandardKey.Undo)
    window.redo_action = action(edit, "&Redo", window.store.redo, QKeySequence.StandardKey.Redo)
    edit.addSeparator()
    action(edit, "&History", window.show_history, "Ctrl+H", "Every change so far; click one to go back to it")
    view = window.menuBar().addMenu("&View")
    for i, key in enumerate(("model", "precision", "hardware", "workload"), start=1):
        action(view, f"Show {PANELS[key].title} panel", lambda _=False, k=key: window.show_panel(k), f"Ctrl+{i}")
    action(view, "&Full screen", window.toggle_full_screen, "F11")
    compare = window.menuBar().addMenu("&Compare")
    tools = window.addToolBar("Compare")
    tools.setObjectName("toolbar-compare")
    tools.setMovable(False)
    window.pin_action = action(compare, "&Pin as A", window.store.pin, "Ctrl+P",
                               "Keep the current scenario as A; go on editing B and see both on every plot")
    window.swap_action = action(compare, "&Swap A ↔ B", window.store.swap, "Ctrl+Shift+P",
                                "Edit A instead: A becomes the live scenario and B the pinned one")
    window.clear_pin_action = action(compare, "&Clear pin", window.store.clear_pin, "Ctrl+Alt+P",
                                     "Forget A; only the live scenario is drawn")
    for a in (window.pin_action, window.swap_action, window.clear_pin_action):
        tools.addAction(a)
    # What A and B are and how each is drawn. It changes with edits, so it is a fixed-size
    # pane: a QLabel would re-lay-out (and repaint) the whole window on every edit.
    window.compare_note = CompareNote(lines=1)
    window.compare_note.setFixedWidth(COMPARE_NOTE_PX)
    tools.addWidget(window.compare_note)
    # Beside a greedy toolbar in the same row this one would be squeezed into its overflow menu.
    tools.setMinimumWidth(sum(tools.widgetForAction(a).sizeHint().width() for a in tools.actions()) + 60)  # + "Re-"
    window.presenter = Presenter(window, file, view)  # tours, presenter mode, themes, font zoom
    help_ = window.menuBar().addMenu("&Help")  # Alt+H (no other mnemonic in the window uses H)
    window.help_menu = help_
    action(help_, "&Start the essay tour", window.presenter.open_essay_tour,
           tip="The essay, step by step (F5 presents it full screen)")
    action(help_, "&Keyboard shortcuts", lambda: show_shortcuts(window), "F1")
    help_.addSeparator()
    action(help_, "&About", window.about)


def example_name(path) -> str:
    """An example's menu name, read from the scenario itself ("Llama 2 7B, FP16 on RTX 4090")."""
    from ..core.io import untrusted
    from ..core.state.appstate import AppState
    from ..core.text.figure_caption import short_title

    try:
        state = AppState.from_json(untrusted.read_text(path, 1_000_000))
    except (ValueError, OSError):
        return path.stem.split("-", 1)[-1].replace("-", " ")
    return short_title(state.scenario, state.pinned).replace("&", "&&")


def show_shortcuts(window) -> None:
    """Help › Keyboard shortcuts: the desk's shortcuts and presenter mode's keys."""
    from PySide6.QtWidgets import QMessageBox

    from .present.stage_keys import key_help_html

    desk = [(a.text().replace("&", ""), a.shortcut().toString()) for a in window.findChildren(QAction)
            if not a.shortcut().isEmpty() and a.text()]
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{t}</td></tr>" for t, k in sorted(set(desk), key=lambda r: r[1]))
    QMessageBox.information(window, "Keyboard shortcuts",
                            f"<b>Desk</b><table>{rows}</table><br><b>Presenter mode (F5)</b>{key_help_html()}")
