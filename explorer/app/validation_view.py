"""Measured vs modelled: every row of a measurements CSV as a point (log axes), the line y = x
and a ±25 % band, coloured by runtime, hardware or metric; hovering a point shows the row and
its source. Opens with the published calibration set; "Load CSV…" takes the user's own
(llama-bench, vLLM or any numbers in the validation columns — see ``core/validation.py``)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import resources
from ..core.io import untrusted
from ..core.features.validation import ValidationFileError, summary, validate_text
from .theme import colour
from .view_base import StoreView
from .widgets import PlainPane

BAND = 0.25  # the ±25 % lines
GROUPS = {"runtime": lambda r: r.runtime, "hardware": lambda r: r.fields.get("hardware", ""),
          "metric": lambda r: r.metric}


def _default_rows():
    return validate_text(resources.path("validation", "published_measurements.csv").read_text(encoding="utf-8"))


def point_tip(r) -> str:
    f = r.fields
    return (f"{f.get('model')} on {f.get('devices') or 1}× {f.get('hardware')}, {f.get('weights')}, "
            f"batch {f.get('batch')}, prompt {f.get('prompt')}, generate {f.get('generate')}\n"
            f"{r.metric}: measured {r.measured:,.4g}, modelled {r.predicted:,.4g} ({r.error:+.1%}) [{r.runtime}]\n"
            f"source: {(f.get('source') or 'your file')[:200]}")


class _Relay(QObject):
    """Lives in the GUI thread; a worker thread emits, the slot runs in the GUI thread (queued)."""
    finished = Signal(object, str, str)  # rows or None, the refusal, the path


class ValidationView(StoreView):
    """Does not depend on the scenario; redraws only for a theme change. A loaded file is read and
    validated on a worker thread (up to 1,000 rows, each an estimate): the window never freezes."""

    depends = frozenset()
    uses_pinned = False
    loaded = Signal(bool)  # a Load CSV finished: True when its rows are shown

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._loaded)
        self._job: threading.Thread | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Colour by"))
        self.group = QComboBox()
        for key in GROUPS:
            self.group.addItem(key, key)
        self.group.currentIndexChanged.connect(self.redraw)
        bar.addWidget(self.group)
        self.load_button = QPushButton("Load CSV…")
        self.load_button.setToolTip("Your own measurements: columns model, hardware, runtime, weights, kv, devices, "
                                    "parallel, batch, prompt, generate, metric, value")
        self.load_button.clicked.connect(self.choose_file)
        bar.addWidget(self.load_button)
        self.reset_button = QPushButton("Published set")
        self.reset_button.clicked.connect(self.show_published)
        bar.addWidget(self.reset_button)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.summary = PlainPane(lines=3)
        lay.addWidget(self.summary)
        self.plot = pg.PlotWidget()
        # Points are placed at log10 of their values and the axes label them as powers of ten
        # (a raw ScatterPlotItem does not take part in PlotItem.setLogMode).
        for side in ("bottom", "left"):
            self.plot.getAxis(side).setLogMode(True)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "measured (tokens/s or ms, as published)")
        self.plot.setLabel("left", "modelled (same unit)")
        self.legend = self.plot.addLegend(offset=(10, 10))
        lay.addWidget(self.plot, 1)
        self.guides = {name: self.plot.plot([], [], pen=pg.mkPen(colour("black"), width=1, style=style), name=label)
                       for name, style, label in (("y=x", pg.QtCore.Qt.PenStyle.SolidLine, "model = measured"),
                                                  ("+25%", pg.QtCore.Qt.PenStyle.DashLine, "±25 %"),
                                                  ("-25%", pg.QtCore.Qt.PenStyle.DashLine, None))}
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        self.source_name = "published measurements (resources/validation)"
        self.rows = _default_rows()
        self.redraw()

    # -- data --------------------------------------------------------------------------------
    def show_published(self) -> None:
        self.rows, self.source_name = _default_rows(), "published measurements (resources/validation)"
        self.redraw()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Measurements to compare with the model", "",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        """Start reading and validating ``path`` off the GUI thread (False: a load is running);
        :attr:`loaded` says how it went. A refused file keeps what is shown and says why."""
        if self._job is not None and self._job.is_alive():
            return False
        self.load_button.setEnabled(False)
        self.summary.setText(f"Loading {Path(path).name}…")
        relay = self._relay

        def work() -> None:
            rows, problem = None, ""
            try:
                rows = validate_text(untrusted.read_text(path))
            except (untrusted.FileRefused, ValidationFileError) as exc:
                problem = str(exc)
            except Exception as exc:  # noqa: BLE001 - a worker must always report back
                problem = f"unexpected error: {exc}"
            try:
                relay.finished.emit(rows, problem, path)
            except RuntimeError:  # the view was closed meanwhile
                pass

        self._job = threading.Thread(target=work, name="load-csv", daemon=True)
        self._job.start()
        return True

    def _loaded(self, rows, problem: str, path: str) -> None:
        self.load_button.setEnabled(True)
        if rows is None:
            self.summary.setText(f"Not loaded: {Path(path).name}: {problem}", self.theme.error)
            self.loaded.emit(False)
            return
        self.rows, self.source_name = rows, Path(path).name
        self.redraw()
        self.loaded.emit(True)

    # -- drawing -------------------------------------------------------------------------------
    def redraw(self) -> None:
        key = self.group.currentData()
        done = [r for r in self.rows if r.error is not None and r.predicted > 0]
        groups: dict[str, list] = {}
        for r in done:
            groups.setdefault(GROUPS[key](r) or "?", []).append(r)
        for item in self.scatters.values():
            self.legend.removeItem(item)
            self.plot.removeItem(item)
        self.scatters = {}
        for i, (name, rows) in enumerate(sorted(groups.items())):
            item = pg.ScatterPlotItem(
                x=np.log10([r.measured for r in rows]), y=np.log10([r.predicted for r in rows]), data=rows, size=7,
                brush=pg.mkBrush(colour(i)), pen=pg.mkPen(None), hoverable=True, hoverSize=11,
                tip=lambda x, y, data: point_tip(data), name=f"{name} ({len(rows)})")
            self.plot.addItem(item)  # with its name: the legend lists it
            self.scatters[name] = item
        values = np.array([v for r in done for v in (r.measured, r.predicted)] or [1.0, 10.0])
        lo, hi = values.min() / 2, values.max() * 2
        x = np.geomspace(lo, hi, 2)
        for name, factor in (("y=x", 1.0), ("+25%", 1 + BAND), ("-25%", 1 - BAND)):
            self.guides[name].setData(np.log10(x), np.log10(x * factor))
        self.summary.setText(self._summary_text(done))

    def _summary_text(self, done) -> str:
        s = summary(self.rows)
        inside = sum(abs(r.error) <= BAND for r in done)
        lines = [f"{self.source_name}: {s['predicted']} of {s['rows']} rows predicted"
                 + (f" ({s['unpredicted']} could not be: see 'inference-explorer validate')" if s["unpredicted"] else "")
                 + (f"; {inside} within ±25 %" if done else "")]
        lines += [f"{m.replace('_', ' ')}: median {st['median_abs_error']:.1%}, p90 {st['p90_abs_error']:.1%} "
                  f"(n={st['n']})" for m, st in s["by_metric"].items()]
        return lines[0] + "\n|error| by metric — " + ";  ".join(lines[1:])
