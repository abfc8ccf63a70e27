"""File › Export: the current plot, the overview or the whole window as PNG (2×) or SVG, the
current plot's data as CSV, and Ctrl+C to copy the current plot as an image. The current plot
is the one last clicked (the compute plot until then). Default file names and the caption
strip name model, hardware, formats and workload."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from ...core.io.atomic import WriteError
from ...core.text.figure_caption import caption, file_stem
from . import export


class Slides:
    """Export actions for a MainWindow (``window.plots``, ``window.tabs``, ``window.store``)."""

    def __init__(self, window, menu: QMenu):
        self.window = window
        self.current = next(iter(window.plots))
        for key, card in window.plots.items():
            card.plot.scene().sigMouseClicked.connect(partial(self._clicked, key))
        sub = menu.addMenu("E&xport")
        self.actions: dict[str, QAction] = {}
        for what in ("plot", "overview", "window"):
            for fmt in ("png", "svg"):
                label = {"plot": "Current plot", "overview": "Overview", "window": "Whole window"}[what]
                self._add(sub, f"{what}-{fmt}", f"{label} as {fmt.upper()}…", partial(self.export, what, fmt))
        self._add(sub, "csv", "Current plot's data as CSV…", self.export_csv)
        self.copy_action = self._add(sub, "copy", "Copy current plot", self.copy, QKeySequence.StandardKey.Copy)
        window.addAction(self.copy_action)  # Ctrl+C works with the menu closed

    def _add(self, menu: QMenu, key: str, text: str, slot, shortcut=None) -> QAction:
        a = QAction(text, self.window)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        menu.addAction(a)
        self.actions[key] = a
        return a

    def _clicked(self, key: str, _event) -> None:
        self.current = key

    # -- what is exported -------------------------------------------------------------------
    def caption(self) -> str:
        store = self.window.store
        return caption(store.scenario, getattr(store, "pinned", None))

    def widget(self, what: str) -> QWidget:
        if what == "plot":
            return self.window.plots[self.current]
        if what == "overview":
            return self.window.tabs.currentWidget()
        return self.window

    def default_name(self, what: str, ext: str) -> str:
        label = {"plot": self.current, "overview": self._tab_name(), "window": "window"}.get(what, what)
        return f"{file_stem(self.window.store.scenario, label)}.{ext}"

    def _tab_name(self) -> str:
        return self.window.tabs.tabText(self.window.tabs.currentIndex()).replace("&", "").split(" (")[0]

    # -- actions -------------------------------------------------------------------------------
    def export(self, what: str, fmt: str, path: str | None = None) -> bool:
        path = path or self._ask(self.default_name(what, fmt), f"{fmt.upper()} (*.{fmt})")
        if not path:
            return False
        try:
            export.save(self.widget(what), path, self.caption())
        except (WriteError, OSError, ValueError) as exc:
            self.window.files.error(str(exc))
            return False
        self.window.statusBar().showMessage(f"Exported {Path(path).name}", 5000)
        return True

    def export_csv(self, _checked: bool = False, path: str | None = None) -> bool:
        path = path or self._ask(self.default_name("plot", "csv"), "CSV (*.csv)")
        if not path:
            return False
        try:
            export.save_csv(self.window.plots[self.current], path, self.caption())
        except (WriteError, OSError, ValueError) as exc:
            self.window.files.error(str(exc))
            return False
        self.window.statusBar().showMessage(f"Exported {Path(path).name}", 5000)
        return True

    def copy(self) -> None:
        export.copy_to_clipboard(self.widget("plot"), self.caption())
        self.window.statusBar().showMessage(f"Copied the {self.current} plot", 3000)

    def _ask(self, default: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export", default, filters)
        return path
