"""Tours and presenter mode for a MainWindow.

* File › Open tour…, Tour › The essay: a tour opens with its caption bar under the plots;
  Tour › Add this state as a step… appends the current state to a tour file of your own.
* Presenter mode (F5, toolbar): full screen, editing docks, menus and status bar hidden, the
  presenter (projector) theme, and the stage (``stage_view.py``) instead of the desk: one hero
  view, big readouts and the caption, sized for the back of a room; the window never grows
  past the screen and Esc restores its geometry. Keys: ``stage_keys.py``. F11 stays plain
  full screen.
* View › Theme (light, dark, presenter) and font zoom (Ctrl+= / Ctrl+− / Ctrl+0) are view
  settings in the store, like everything a user sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu, QToolBar

from ... import resources
from ...core.io import untrusted
from ...core.io.atomic import WriteError, write_text
from ...core.features.tour import MAX_TOUR_BYTES, Tour, TourError, load_tour
from ...core.features.tour_writer import append_step
from ...core.state import view_rules
from .stage import Blank, CaptionBar, Focus
from .stage_keys import StageKeys
from .tour_player import TourPlayer

if TYPE_CHECKING:  # the stage and the speaker view are imported when first shown (start-up time)
    from .speaker_view import SpeakerView
    from .stage_view import StageView

FONT_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


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
        self._stage: StageView | None = None  # built on first use (property ``stage``)
        self.keys = StageKeys(self)
        self.speaker: SpeakerView | None = None  # on a second screen while presenting
        self.caption_bar.prev_button.clicked.connect(self.previous)
        self.caption_bar.next_button.clicked.connect(self.next)
        self.caption_bar.play_button.clicked.connect(self.play)
        self.caption_bar.close_button.clicked.connect(self.end_tour)
        self._before_tour = None  # the AppState a tour was opened over (its close brings it back)
        self.focus = Focus(window)
        self.blank = Blank(window)
        self.store.changed.connect(self._on_changed)
        self.actions: dict[str, QAction] = {}
        self._build(file_menu, view_menu)

    @property
    def stage(self) -> StageView:
        """The stage: presenter mode and --export-tour show it instead of the desk. Built (and its
        module imported) on first use, so start-up pays for neither."""
        if self._stage is None:
            from .stage_view import StageView

            self._stage = StageView(self.window)
            self._stage.hide()
            self.window.centralWidget().layout().addWidget(self._stage, 1)
        return self._stage

    def on_stage(self) -> bool:
        return self._stage is not None and self._stage.isVisible()

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
        if self.player is None:
            self._before_tour = None if resume else self.store.state  # resumed: the session is the user's
        self._drop_player()
        if any(step.tab == "highway" for step in tour.steps):
            _ = self.window.highway  # built now, not in the middle of a step's animation
        self.player = TourPlayer(self.store, tour, self)
        self.player.stepChanged.connect(self._show_step)
        self.caption_bar.setVisible(not self.on_stage())  # on stage the stage has the caption
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

    def end_tour(self) -> None:
        """The caption bar's close: the tour goes and the scenarios it was opened over come back
        (one undo entry; the tour's last scenario is one Ctrl+Z away). Nothing the user had is lost."""
        before, self._before_tour = self._before_tour, None
        if before is not None:
            state = self.store.state
            self.store.set_state(state.with_(scenario=before.scenario, pinned=before.pinned))
        self.close_tour()

    def close_tour(self) -> None:
        self._before_tour = None
        self._drop_player()
        self.store.set_view(tour=None, tour_step=0)  # a session saved now is not in a tour
        self.caption_bar.hide()
        self.focus.set_highlight(None)
        self.focus.show_alone(None)

    def _show_step(self, index: int) -> None:
        step = self.player.step
        self.caption_bar.show_step(index, len(self.player), step)
        if self._stage is not None:  # a stage not built yet shows the step when it is (show_stage)
            self._stage.show_step(index, len(self.player), step)
        if self.speaker is not None:
            self.speaker.show_step(index, self.player.tour)
        self.focus.show_alone(step.solo)
        self.focus.set_highlight(step.highlight)

    def next(self) -> None:
        """Next step; with no tour open, the essay tour's first step (the toolbar's ▶ on day one)."""
        if self.player is None:
            self.open_essay_tour()
        else:
            self.player.next()

    def previous(self) -> None:
        if self.player is not None:
            self.player.previous()

    def play(self) -> None:
        if self.player is not None:
            self.player.play()

    def play_pause(self) -> None:
        """P: play the step's sweep, or stop one under way (at its end state)."""
        if self.player is None:
            return
        if self.player.running():
            self.player.finish()
        else:
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
        self.show_stage(True)

    def show_stage(self, on: bool) -> None:
        """The stage instead of the desk (readouts, tabs, caption bar), or the desk again."""
        w = self.window
        w.readouts.setVisible(not on)
        w.tabs.setVisible(not on)
        self.caption_bar.setVisible(not on and self.player is not None)
        if on or self._stage is not None:
            self.stage.setVisible(on)
        if on and self.player is not None and self.player.step is not None:
            self.stage.show_step(self.player.index, len(self.player), self.player.step)

    def enter(self) -> None:
        if self.presenting:
            return
        w = self.window
        self.presenting = True
        self.stage_layout()
        if self.player is None:
            self.open_essay_tour()
        screen = w.screen()
        self._saved["maximum"] = w.maximumSize()
        if screen is not None:  # without a window manager (Xvfb, kiosks) full screen does not resize
            w.setMaximumSize(screen.geometry().size())  # nothing on stage may grow it past the screen
            w.setGeometry(screen.geometry())
        w.showFullScreen()
        self.store.set_view(theme="presenter", font_scale=1.0)  # the stage sizes its text by its height
        QApplication.instance().installEventFilter(self)
        from .speaker_view import second_screen

        other = second_screen(w)
        if other is not None:
            self.open_speaker_view(other)

    def open_speaker_view(self, screen=None) -> SpeakerView:
        """Current and next step, notes, timer and clock (on ``screen``, full screen, when given)."""
        if self.speaker is None:
            from .speaker_view import SpeakerView

            self.speaker = SpeakerView(self)
        if screen is not None:
            self.speaker.setGeometry(screen.geometry())
            self.speaker.showFullScreen()
        else:
            self.speaker.show()
        if self.player is not None and self.player.step is not None:
            self.speaker.show_step(self.player.index, self.player.tour)
        return self.speaker

    def leave(self) -> None:
        if not self.presenting:
            return
        w = self.window
        self.presenting = False
        QApplication.instance().removeEventFilter(self)
        if self.speaker is not None:
            self.speaker.close()
            self.speaker.deleteLater()
            self.speaker = None
        s = self._saved
        if self.blank.isVisible():
            self.blank.toggle()
        theme_name, scale = s["theme"]
        self.store.set_view(theme=theme_name, font_scale=scale)
        self.store.flush()  # the desk's own type size before its geometry comes back (it sets the minimum)
        for key, visible in s["docks"].items():
            w.docks[key].setVisible(visible)
        w.menuBar().setVisible(s["menu"])
        w.statusBar().setVisible(s["status"])
        for bar, visible in s["toolbars"].items():
            bar.setVisible(visible)
        self.show_stage(False)
        if "maximum" in s:
            w.setMaximumSize(s["maximum"])
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
        return self.keys.handle(event)

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
