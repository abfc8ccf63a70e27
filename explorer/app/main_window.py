"""The main window: panels docked on the left, readouts on top, live plots in the centre. Its menus
are built in ``menus.py``; what File › … does is ``file_actions.py``."""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QApplication, QDockWidget, QGridLayout, QMainWindow, QMessageBox,
                               QSizePolicy, QTabWidget, QUndoView, QVBoxLayout, QWidget)

from .. import APP_NAME
from ..core.state.appstate import AppState
from ..core.state.view_rules import TABS
from ..core.text.ab_compare import side_names
from ..core.state.scenario import Scenario
from .file_actions import FileActions
from .menus import build_menus
from .panel_docks import PanelDocks
from .plots.compare_plot import ComparePlot
from .plots.compute_plot import ComputePlot
from .plots.memory_plot import MemoryPlot
from .plots.roofline_plot import RooflinePlot
from .readouts import Readouts
from .session import Session
from .settings import Settings
from .store import AppStore
from .view_base import sync_all
from . import spin_undo, wheel_guard

if TYPE_CHECKING:  # the tab views are imported when their tab is first opened (start-up time)
    from .highway.view import HighwayView
    from .present.post_pane import PostPane
    from .serving.planner import PlannerView
    from .serving.view import ServingView
    from .validation_view import ValidationView

DEFAULT_SIZE = (1280, 720)
TAB_KEYS = TABS  # ViewState.tab for each tab, in order (core.state.view_rules)


# (full, short) title of each tab, in TAB_KEYS order; the same mnemonic in both
TAB_TITLES = (("&Overview", "&Overview"), ("Hi&ghway (bandwidth)", "Hi&ghway"), ("This &post as input", "This &post"),
              ("&Measured vs modelled", "&Measured"), ("&Serving under load", "&Serving"),
              ("Plan a &deployment", "&Deployment"))


class MainWindow(QMainWindow):
    def __init__(self, state: AppState | Scenario, settings: Settings | None = None, parent: QWidget | None = None,
                 autosave_path: Path | None = None):
        """``autosave_path`` None: no autosave (tests; ``--safe-mode``)."""
        super().__init__(parent)
        self.settings = settings
        self.store = AppStore(state, self)
        self.session = Session(self, settings, autosave_path)
        self.store.apply_theme()  # the session's theme, current before any view is built
        wheel_guard.install(QApplication.instance())  # a passing wheel never changes a control
        spin_undo.install(QApplication.instance())  # Ctrl+Z in a spin box undoes the session's edit
        self.setWindowTitle(APP_NAME)
        self.resize(*DEFAULT_SIZE)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        self.readouts = Readouts(self.store)
        lay.addWidget(self.readouts)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        overview = QWidget()
        grid = QGridLayout(overview)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.plots = {"compute": ComputePlot(self.store), "memory": MemoryPlot(self.store),
                      "roofline": RooflinePlot(self.store), "compare": ComparePlot(self.store)}
        for i, plot in enumerate(self.plots.values()):
            grid.addWidget(plot, i // 2, i % 2)
        for i in range(2):  # four equal cards, whatever their headings and legends ask for
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)
        self.tabs.addTab(overview, TAB_TITLES[0][0])
        # Tabs whose view is built when first opened (keeps start-up fast): self._<name> is the view
        # (None until then), self._<name>_page the tab page, and the property <name> builds it.
        self._lazy_pages: dict[QWidget, str] = {}
        for name, (title, _short) in zip(("highway", "post", "validation", "serving", "planner"), TAB_TITLES[1:]):
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            # A hidden tab must not set the window's minimum, nor its width (a tour builds the highway).
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            setattr(self, f"_{name}", None)
            setattr(self, f"_{name}_page", page)
            self._lazy_pages[page] = name
            self.tabs.addTab(page, title)
        for i, (title, _short) in enumerate(TAB_TITLES):
            self.tabs.setTabToolTip(i, title.replace("&", ""))
        self.tabs.installEventFilter(self)  # resized: the titles that fit (see _title_tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(central)

        self.panels = PanelDocks(self, self.store)  # panels hidden behind a dock tab: built when shown
        self.docks = self.panels.docks
        self._tab_to_workload()

        self.files = FileActions(self)  # File › Open, Import, Save, Save as, Export
        build_menus(self)
        self.store.changed.connect(self._on_changed)
        self.store.history_changed.connect(self._update_title)
        self.store.rejected.connect(self._rejected)
        self._on_changed(None)

    def _tab_to_workload(self) -> None:
        """Tab from the tab bar goes straight into the Workload panel (prompt, generate, batch:
        what a first-time user changes first), not through every plot; the docks' scroll areas
        pass Tab on to the controls inside them."""
        for dock in self.docks.values():
            dock.widget().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        first = next((c for c in self.panels["workload"].findChildren(QWidget)
                      if c.focusPolicy() & Qt.FocusPolicy.TabFocus and c.isEnabled()), None)
        if first is not None:
            QWidget.setTabOrder(self.tabs.tabBar(), first)

    def _lazy_tab(self, attr: str, page: QWidget, cls):
        """A tab's view, created on first use. The properties below import its module then too
        (a local import, which PyInstaller still sees), so start-up neither imports nor builds it."""
        view = getattr(self, attr)
        if view is None:
            view = cls(self.store)
            page.layout().addWidget(view)
            setattr(self, attr, view)
        return view

    @property
    def highway(self) -> HighwayView:
        from .highway.view import HighwayView

        return self._lazy_tab("_highway", self._highway_page, HighwayView)

    @property
    def serving(self) -> ServingView:
        """Serving under load: latency, throughput, batch and KV against load; the simulation."""
        from .serving.view import ServingView

        return self._lazy_tab("_serving", self._serving_page, ServingView)

    @property
    def planner(self) -> PlannerView:
        """Plan a deployment: the cheapest setup meeting the latency target."""
        from .serving.planner import PlannerView

        return self._lazy_tab("_planner", self._planner_page, PlannerView)

    @property
    def post(self) -> PostPane:
        """The 'this post as input' pane."""
        from .present.post_pane import PostPane

        return self._lazy_tab("_post", self._post_page, PostPane)

    @property
    def validation(self) -> ValidationView:
        """Measured vs modelled (published measurements or the user's CSV)."""
        from .validation_view import ValidationView

        return self._lazy_tab("_validation", self._validation_page, ValidationView)

    def _tab_changed(self, index: int) -> None:
        name = self._lazy_pages.get(self.tabs.widget(index))
        if name is not None:
            getattr(self, name).show()  # the property builds the view on first use
        if 0 <= index < len(TAB_KEYS):
            self.store.set_view(tab=TAB_KEYS[index])

    def eventFilter(self, obj, event) -> bool:
        if obj is self.tabs and event.type() == QEvent.Type.Resize:
            self._title_tabs()
        return super().eventFilter(obj, event)

    def _title_tabs(self) -> None:
        """Full titles where they fit, short ones where not (at 1024×768 the six full titles need
        the tab bar's scroll arrows, and the bar then slides under the pointer as tabs are picked)."""
        metrics = self.tabs.tabBar().fontMetrics()
        need = sum(metrics.horizontalAdvance(full.replace("&", "")) + 28 for full, _ in TAB_TITLES)
        use = 0 if need <= self.tabs.width() else 1
        for i, titles in enumerate(TAB_TITLES):
            if self.tabs.tabText(i) != titles[use]:
                self.tabs.setTabText(i, titles[use])

    def _show_tab(self) -> None:
        """The tab the store's view names (a tour step, an opened session)."""
        index = TAB_KEYS.index(self.store.view.tab) if self.store.view.tab in TAB_KEYS else 0
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)

    def fit_screen(self) -> None:
        """The default size, or the screen's whole free area when that is smaller (a 1024×768
        projector): the window never opens larger than the screen."""
        screen = self.screen()
        if screen is None:
            return
        free = screen.availableGeometry()
        w, h = DEFAULT_SIZE
        if w > free.width() or h > free.height():
            w, h = free.width(), free.height()
        self.resize(w, h)

    def show_panel(self, key: str) -> None:
        self.panels[key]
        dock = self.docks[key]
        dock.show()
        dock.raise_()
        dock.widget().widget().setFocus()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def about(self) -> None:
        from html import escape

        from .. import __version__
        from .errors import log_file

        log = log_file()
        QMessageBox.about(self, APP_NAME, f"<b>{APP_NAME}</b> {__version__}<br>"
                          "Why LLM inference gets expensive: attention's n², parameters, precision, "
                          "the KV cache and memory bandwidth — every figure sourced.<br><br>"
                          f"Log file: {escape(str(log)) if log else '— (logging to the console only)'}")

    def show_history(self) -> None:
        """The undo history as a list (a dock): each entry reads like "Batch 1 → 8"."""
        if not hasattr(self, "history_dock"):
            self.history_view = QUndoView(self.store.undo_stack)
            self.history_view.setEmptyLabel("Opened")
            self.history_dock = QDockWidget("History", self)
            self.history_dock.setObjectName("dock-history")
            self.history_dock.setWidget(self.history_view)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.store.commit()
        self.history_dock.show()
        self.history_dock.raise_()

    def _rejected(self, msg: str) -> None:
        self.statusBar().showMessage(f"Not applied: {msg}", 8000)

    def _on_changed(self, change) -> None:
        if change is None or "tab" in change.view:
            self._show_tab()
        self._update_title()

    def _update_title(self) -> None:
        pinned = self.store.pinned is not None
        self.swap_action.setEnabled(pinned)
        self.clear_pin_action.setEnabled(pinned)
        self.pin_action.setText("Re-&pin as A" if pinned else "&Pin as A")
        if pinned:
            na, nb = side_names(self.store.pinned, self.store.scenario)
            na, nb = html_escape(na), html_escape(nb)  # names from files are text, never markup
            self.compare_note.setText(f"<b>A</b>{': ' + na if na != 'A' else ''} <i>dashed</i> · "
                                      f"<b>B</b>{': ' + nb if nb != 'B' else ''} <i>solid</i>")
        else:
            self.compare_note.setText("Pin as A, then edit: both on every plot")
        s = self.store.scenario
        mark = "• " if self.store.is_dirty() else ""
        path = self.files.path
        name = f"{Path(path).name} — " if path else ""
        self.setWindowTitle(f"{mark}{name}{APP_NAME} — {s.model.name} on {s.devices}× {s.hardware.name}")
        st = self.store
        self.undo_action.setEnabled(st.can_undo())
        self.redo_action.setEnabled(st.can_redo())
        self.undo_action.setText(f"&Undo {st.undo_text()}" if st.can_undo() else "&Undo")
        self.redo_action.setText(f"&Redo {st.redo_text()}" if st.can_redo() else "&Redo")

    def settle(self) -> None:
        """Emit pending changes and draw every view now (tests, export, benchmarks)."""
        self.store.flush()
        sync_all()

    # -- closing --------------------------------------------------------------------------------
    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save / Discard / Cancel for unsaved edits (a method, so tests can answer it)."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        return QMessageBox.question(self, APP_NAME, "The session has unsaved changes. Save them before closing?",
                                    buttons, QMessageBox.StandardButton.Save)

    def closeEvent(self, event) -> None:
        self.store.commit()
        if self.store.is_dirty():
            answer = self.ask_unsaved()
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self.files.save()):
                event.ignore()
                return
        if self.panels.built("hardware"):  # a panel never shown was never built
            self.panels["hardware"].measure.shutdown()
        self.session.closing()
        from .serving.worker import stop_all

        stop_all()  # a simulation is cancelled, a deployment search finishes: no thread outlives the window
        event.accept()
        super().closeEvent(event)
