"""Tours and presenter mode for a MainWindow.

* File › Open tour…, Tour › The essay: a tour opens with its caption bar under the plots;
  Tour › Add this state as a step… appends the current state to a tour file of your own.
* Presenter mode (F5, toolbar): full screen, editing docks, menus and status bar hidden, the
  presenter (projector) theme — a theme swap on the store's view — with type large enough to
  read from the back of a room (≥ 20 px on a 1080p screen), and the keys a clicker sends:
  → PageDown Space next, ← PageUp Backspace previous, Home/End, B blanks, Esc leaves.
  F11 stays plain full screen.
* View › Theme (light, dark, presenter) and font zoom (Ctrl+= / Ctrl+− / Ctrl+0) are view
  settings in the store, like everything a user sets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu, QToolBar

from ... import resources
from ...core.io import untrusted
from ...core.io.atomic import WriteError, write_text
from ...core.features.tour import MAX_TOUR_BYTES, Tour, TourError, load_tour
from ...core.features.tour_writer import append_step
from ...core.state import view_rules
from .stage import Blank, CaptionBar, Focus
from .tour_player import TourPlayer

NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down)
PREV_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace, Qt.Key.Key_Up)
OUR_KEYS = (*NEXT_KEYS, *PREV_KEYS, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_B, Qt.Key.Key_Period,
            Qt.Key.Key_Escape)
READABLE_PX = 20  # smallest text size in presenter mode on a 1080p screen
SMALL_SCREEN_SCALE = 0.8  # × the presenter theme's 1.35 ≈ the light theme's size


def presenter_scale(screen_height: int, dpi: float = 96.0) -> float:
    """Font zoom on top of the presenter theme: text ≥ READABLE_PX on screens ≥ 1000 px high
    (1080p projectors); on smaller ones (1024×768) the light theme's size, which is about the
    same share of the screen's height, so every view still fits."""
    from .. import theme

    if screen_height < 1000:
        return SMALL_SCREEN_SCALE
    base = theme.PRESENTER.pt(theme.current_base_pt())
    return max(1.0, round(READABLE_PX / (base * dpi / 72.0) + 0.049, 1))


class Presenter(QObject):
    def __init__(self, window, file_menu: QMenu, view_menu: QMenu):
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.player: TourPlayer | None = None
        self.presenting = False
        self._saved: dict = {}
        self.caption_bar = CaptionBar()
        self.caption_bar.hide()
        window.centralWidget().layout().addWidget(self.caption_bar)
        self.caption_bar.prev_button.clicked.connect(self.previous)
        self.caption_bar.next_button.clicked.connect(self.next)
        self.caption_bar.play_button.clicked.connect(self.play)
        self.caption_bar.close_button.clicked.connect(self.close_tour)
        self.focus = Focus(window)
        self.blank = Blank(window)
        self.store.changed.connect(self._on_changed)
        self.actions: dict[str, QAction] = {}
        self._build(file_menu, view_menu)

    # -- menus and toolbar ---------------------------------------------------------------------
    def _action(self, key: str, text: str, slot, shortcut=None, menu: QMenu | None = None) -> QAction:
        a = QAction(text, self.window)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        if menu is not None:
            menu.addAction(a)
        self.window.addAction(a)  # shortcuts work while menus are hidden
        self.actions[key] = a
        return a

    def _build(self, file_menu: QMenu, view_menu: QMenu) -> None:
        file_menu.addSeparator()
        self._action("open_tour", "Open &tour…", self.open_tour, None, file_menu)
        tour = self.window.menuBar().addMenu("&Tour")
        self._action("essay", "The &essay, step by step", self.open_essay_tour, None, tour)
        self._action("add_step", "&Add this state as a step…", self.add_step, None, tour)
        tour.addSeparator()
        self._action("present", "&Present (full screen)", self.toggle_presenting, "F5", tour)
        self._action("next", "&Next step", self.next, None, tour)
        self._action("previous", "P&revious step", self.previous, None, tour)
        self._action("play", "P&lay this step's sweep", self.play, None, tour)
        view_menu.addSeparator()
        themes = view_menu.addMenu("&Theme")
        for name, label in (("light", "&Light"), ("dark", "&Dark"), ("presenter", "&Presenter (projector)")):
            self._action(f"theme-{name}", label, lambda _=False, n=name: self.store.set_view(theme=n), None, themes)
        self._action("zoom-in", "&Larger text", self.zoom_in, QKeySequence.StandardKey.ZoomIn, view_menu)
        self.window.addAction(self._extra_shortcut("Ctrl+=", self.zoom_in))
        self._action("zoom-out", "&Smaller text", self.zoom_out, QKeySequence.StandardKey.ZoomOut, view_menu)
        self._action("zoom-reset", "&Normal text size", self.zoom_reset, "Ctrl+0", view_menu)
        bar = QToolBar("Presenting", self.window)
        bar.setObjectName("toolbar-present")
        for key in ("previous", "present", "next"):
            bar.addAction(self.actions[key])
        self.window.addToolBar(bar)
        self.toolbar = bar

    def _extra_shortcut(self, keys: str, slot) -> QAction:
        a = QAction(self.window)
        a.setShortcut(QKeySequence(keys))
        a.triggered.connect(slot)
        return a

    # -- tours ------------------------------------------------------------------------------------
    def open_tour(self, _checked: bool = False, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open tour", str(resources.resources_dir() / "tours"),
                                                  "Tours (*.toml);;All files (*)")
        if not path:
            return False
        try:
            tour = load_tour(path)
        except TourError as exc:
            self.window.files.error(f"Tour not opened: {exc}. The current state is unchanged.")
            return False
        self.start(tour)
        return True

    def open_essay_tour(self) -> bool:
        return self.open_tour(path=str(resources.essay_tour()))

    def start(self, tour: Tour, index: int = 0, resume: bool = False) -> None:
        """Open ``tour`` at step ``index``: its state applied, or (``resume``) the state kept as it is."""
        self._drop_player()
        if any(step.tab == "highway" for step in tour.steps):
            _ = self.window.highway  # built now, not in the middle of a step's animation
        self.player = TourPlayer(self.store, tour, self)
        self.player.stepChanged.connect(self._show_step)
        self.caption_bar.show()
        if resume:
            self.player.resume(index)
        else:
            self.player.go(index)
        self.window.statusBar().showMessage(f"Tour: {tour.title} ({len(tour)} steps)", 5000)

    def resume(self) -> bool:
        """A session just opened: take up the tour it was saved in (``ViewState.tour``) at its
        step, or close the one open when it names none. False when it names a tour that cannot
        be read any more (said in the status bar; the session itself is open)."""
        view = self.store.view
        if view.tour is None:
            if self.player is not None:
                self.close_tour()
            return True
        path = Path(view.tour)
        if not path.is_file() and path.name == resources.essay_tour().name:
            path = resources.essay_tour()  # the essay's tour, wherever this copy of the app keeps it
        try:
            tour = load_tour(path)
        except TourError as exc:
            self.store.set_view(tour=None, tour_step=0)
            self.window.statusBar().showMessage(f"The session's tour is not open: {exc}", 8000)
            return False
        self.start(tour, min(view.tour_step, len(tour) - 1), resume=True)
        return True

    def _drop_player(self) -> None:
        """Finish and delete the current player (one per opened tour would otherwise pile up)."""
        if self.player is not None:
            self.player.finish()
            self.player.stepChanged.disconnect(self._show_step)
            self.player.deleteLater()
        self.player = None

    def close_tour(self) -> None:
        self._drop_player()
        self.store.set_view(tour=None, tour_step=0)  # a session saved now is not in a tour
        self.caption_bar.hide()
        self.focus.set_highlight(None)
        self.focus.show_alone(None)

    def _show_step(self, index: int) -> None:
        step = self.player.step
        self.caption_bar.show_step(index, len(self.player), step)
        self.focus.show_alone(step.solo)
        self.focus.set_highlight(step.highlight)

    def next(self) -> None:
        if self.player is not None:
            self.player.next()

    def previous(self) -> None:
        if self.player is not None:
            self.player.previous()

    def play(self) -> None:
        if self.player is not None:
            self.player.play()

    def add_step(self, _checked: bool = False, path: str | None = None, title: str | None = None) -> bool:
        """Append the current state as a step to a tour file (created when new)."""
        if title is None:
            title, ok = QInputDialog.getText(self.window, "Add a tour step", "Step title:")
            if not ok or not title.strip():
                return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, "Add to tour", "my-talk.toml", "Tours (*.toml)")
        if not path:
            return False
        try:
            old = untrusted.read_text(path, MAX_TOUR_BYTES) if Path(path).exists() else None
            write_text(path, append_step(old, self.store.state, title.strip(), self.focus.highlighted))
        except (OSError, WriteError, TourError, untrusted.FileRefused) as exc:
            self.window.files.error(f"Step not added: {exc}")
            return False
        self.window.statusBar().showMessage(f"Added '{title.strip()}' to {Path(path).name}", 5000)
        return True

    # -- presenter mode ---------------------------------------------------------------------------
    def toggle_presenting(self) -> None:
        self.leave() if self.presenting else self.enter()

    def stage_layout(self) -> None:
        """Hide what a talk does not show (docks, menus, toolbars, status bar); remember it."""
        w = self.window
        bars = w.findChildren(QToolBar)
        view = self.store.view
        self._saved = {"docks": {k: d.isVisible() for k, d in w.docks.items()}, "menu": w.menuBar().isVisible(),
                       "status": w.statusBar().isVisible(), "toolbars": {b: b.isVisible() for b in bars},
                       "theme": (view.theme, view.font_scale), "full": w.isFullScreen(), "max": w.isMaximized(),
                       "geometry": w.geometry()}
        for dock in w.docks.values():
            dock.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        for bar in bars:
            bar.hide()

    def enter(self) -> None:
        if self.presenting:
            return
        w = self.window
        self.presenting = True
        self.stage_layout()
        if self.player is None:
            self.open_essay_tour()
        screen = w.screen()
        if screen is not None:  # without a window manager (Xvfb, kiosks) full screen does not resize
            w.setGeometry(screen.geometry())
        w.showFullScreen()
        height = screen.geometry().height() if screen is not None else 0
        dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
        self.store.set_view(theme="presenter", font_scale=presenter_scale(height, dpi))
        QApplication.instance().installEventFilter(self)

    def leave(self) -> None:
        if not self.presenting:
            return
        w = self.window
        self.presenting = False
        QApplication.instance().removeEventFilter(self)
        s = self._saved
        if self.blank.isVisible():
            self.blank.toggle()
        theme_name, scale = s["theme"]
        self.store.set_view(theme=theme_name, font_scale=scale)
        for key, visible in s["docks"].items():
            w.docks[key].setVisible(visible)
        w.menuBar().setVisible(s["menu"])
        w.statusBar().setVisible(s["status"])
        for bar, visible in s["toolbars"].items():
            bar.setVisible(visible)
        if not s["full"]:
            w.showMaximized() if s["max"] else w.showNormal()
            if not s["max"]:
                w.setGeometry(s["geometry"])

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if self.presenting and kind == QEvent.Type.Close and obj is self.window:
            self.leave()  # the settings keep the user's own theme, not the presenter's
            return False
        if not self.presenting or kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if kind == QEvent.Type.ShortcutOverride:  # our keys win over any widget's shortcut (Space)
            if key in OUR_KEYS:
                event.accept()
                return True
            return False
        if key in NEXT_KEYS:
            self.next()
        elif key in PREV_KEYS:
            self.previous()
        elif key == Qt.Key.Key_Home and self.player:
            self.player.go(0)
        elif key == Qt.Key.Key_End and self.player:
            self.player.go(len(self.player) - 1)
        elif key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            self.blank.toggle()
        elif key == Qt.Key.Key_Escape:
            self.leave()
        else:
            return False
        return True

    # -- theme and font zoom ------------------------------------------------------------------------
    def _on_changed(self, change) -> None:
        if change.view & {"theme", "font_scale"}:
            self.caption_bar.restyle()

    def _zoom(self, direction: int) -> None:
        self.store.set_view(font_scale=view_rules.zoom(self.store.view.font_scale, direction))

    def zoom_in(self) -> None:
        self._zoom(1)

    def zoom_out(self) -> None:
        self._zoom(-1)

    def zoom_reset(self) -> None:
        self._zoom(0)
