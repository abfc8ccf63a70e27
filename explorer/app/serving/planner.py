"""Plan a deployment: for the scenario's model, request lengths and latency target, the cheapest
setup that meets the target ($ per million output tokens, tokens/s per GPU), every candidate in a
table, and a map of devices × weight/KV format with the target's contour. The search
(``explorer.core.serving.plan``) runs off the GUI thread; the map's cells are
``explorer.core.serving.plan_map``."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from ...core import serving
from ...core.physics.units import duration, money, rate
from ...core.serving.plan_map import PlanMap, plan_map
from ...core.text.serving_words import limit_words, load_words
from ..view_base import StoreView
from ..widgets import TextPane
from .plan_table import PlanTableModel, device_name, format_name, runtime_name, sorted_view
from .worker import CallWorker, track

# What the search depends on (the setup itself — device, count, formats, runtime — is what it varies).
DEPENDS = frozenset({"model", "prompt", "generate", "lengths", "length_spread", "slo_ttft_ms", "slo_tpot_ms",
                     "slo_percentile", "load_kind", "load", "burstiness", "think_s", "kv_cache"})
def setup_text(r) -> str:
    return (f"{r.devices}× {device_name(r.hardware)}, {format_name(r.weights)} weights / {format_name(r.kv)} KV, "
            f"{runtime_name(r.runtime)}")


def search_key(s) -> tuple:
    """What the search depends on (the setup it varies set aside)."""
    return tuple(getattr(s, f) for f in sorted(DEPENDS))


class PlannerView(StoreView):
    depends = DEPENDS
    uses_pinned = False

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setObjectName("PlannerView")
        self.headline = TextPane(lines=4)
        self.status = QLabel()
        self.model = PlanTableModel(self)
        self.proxy = sorted_view(self.model)
        self.proxy.setParent(self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the search's order: cheapest meeting first
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setToolTip("Every setup the search tried that fits: cheapest first among those meeting the target "
                              "(at the highest concurrency that still meets it), then the ones that miss it")
        self.map = pg.PlotWidget()
        self.map.setMenuEnabled(False)
        self.map.setMouseEnabled(x=False, y=False)
        self.map.getPlotItem().invertY(True)
        self.map.setTitle("cheapest setup per device × format ($ per M output tokens)")
        self.map.setToolTip("Each cell: the cheapest setup of that device and format (over 1–8 GPUs and the runtimes "
                            "that load it) meeting the target; grey cells miss it. The thick line is the target's "
                            "contour: inside it the target holds. ★ marks the cheapest of all.")
        self.image = pg.ImageItem()
        self.map.addItem(self.image)
        self.contour = pg.PlotCurveItem(pen=pg.mkPen("#000000", width=3), connect="pairs")
        self.map.addItem(self.contour)
        self.cell_text: list[pg.TextItem] = []
        self.map.getPlotItem().vb.sigResized.connect(self._fit_cell_text)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.map)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])  # the map over the table, 3 : 2, whatever their size hints ask
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.status)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.worker: CallWorker | None = None
        self.rows: list = []
        self.cells: PlanMap | None = None
        self._key = None
        self._wanted = None
        self._sized = False
        self.redraw()

    def busy(self) -> bool:
        """A search is running, or the rows shown are not the scenario's (one is due)."""
        return self.worker is not None or search_key(self.store.scenario) != self._key

    # -- search off the GUI thread -------------------------------------------------------------
    def redraw(self) -> None:
        s = self.store.scenario
        key = search_key(s)
        self._wanted = key
        if key == self._key or self.worker is not None:
            return
        self.status.setText("searching…")
        self.worker = CallWorker(lambda: serving.plan(s), key)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        track(self.worker)
        self.worker.start()

    def _done(self, key, rows) -> None:
        self._key = key
        self.rows = list(rows)
        self.show_rows()

    def _failed(self, why: str) -> None:
        self.status.setText("search failed")
        self.store.rejected.emit(f"deployment search: {why}")
        self._key = self._wanted

    def _finished(self) -> None:
        self.worker = None  # it deletes itself (worker.track)
        if self._wanted is not None and self._wanted != self._key:
            self.redraw()  # the scenario moved while the search ran
        else:
            self.status.setText(f"{len(self.rows)} setups")

    # -- drawing -------------------------------------------------------------------------------
    def show_rows(self) -> None:
        rows = self.rows
        s = self.store.scenario
        target = (f"TTFT ≤ {duration(s.slo_ttft_ms / 1e3)} and TPOT ≤ {duration(s.slo_tpot_ms / 1e3)} at "
                  f"p{s.slo_percentile}")
        best = rows[0] if rows and rows[0].meets_slo else None
        if best is None:
            self.headline.setText(f"<b>No setup meets {target}</b> for {s.model.name} with {s.prompt:,}-token prompts "
                                  f"and {s.generate:,}-token replies. Loosen the target or shorten the requests.")
        else:
            usd = best.usd_per_million_output_tokens
            self.headline.setText(
                f"Cheapest meeting {target} for {s.model.name} ({s.prompt:,} in / {s.generate:,} out): "
                f"<b>{setup_text(best)}</b> — <b>{money(usd)}</b> per million output tokens, "
                f"<b>{rate(best.tokens_per_s_per_gpu, 'tokens/s per GPU')}</b> at {load_words('concurrency', best.concurrency)} "
                f"(TTFT {duration(best.ttft_s)}, TPOT {duration(best.tpot_s)}; then the "
                f"{limit_words(best.binding_limit)} binds)")
        self._fill_table(rows)
        self._draw_map(plan_map(rows))

    def restyle(self) -> None:
        """A theme swap changes the body font: the cells' words fit again from it."""
        self._fit_cell_text()

    def _fit_cell_text(self, *_args) -> None:
        """The cells' words shrink (down to 7 pt) until the widest fits its cell: at 1024×768 a cell
        is ~80 px wide, narrower than "$0.056 · 1×" at the body size."""
        if not getattr(self, "cell_text", None) or self.cells is None or not self.cells.formats:
            return  # nothing drawn yet (a restyle can come before the first search)
        cell_px = self.map.getPlotItem().vb.width() / len(self.cells.formats) - 6
        font = QFont(self.font())
        size = font.pointSizeF()
        widest = max(QFontMetrics(font).horizontalAdvance(line) for t in self.cell_text
                     for line in t.textItem.toPlainText().split("\n"))
        if widest > cell_px > 0:
            size = max(7.0, size * cell_px / widest)
        font.setPointSizeF(size)
        for t in self.cell_text:
            t.setFont(font)

    def _fill_table(self, rows) -> None:
        self.model.set_rows(rows, self.theme.note)
        if rows and not self._sized:  # column widths from the first rows, once
            self.table.resizeColumnsToContents()
            self._sized = True

    def _draw_map(self, m: PlanMap) -> None:
        self.cells = m
        for t in self.cell_text:
            self.map.removeItem(t)
        self.cell_text = []
        if not m.devices:
            self.image.clear()
            self.contour.setData([], [])
            return
        usd = np.where(m.meets, m.usd, np.nan)
        lo, hi = np.nanmin(usd) if np.isfinite(usd).any() else 1.0, np.nanmax(usd) if np.isfinite(usd).any() else 2.0
        # colour: log $ from cheapest (green) to dearest (yellow); grey: misses; dark: does not fit
        rgba = np.zeros((len(m.formats), len(m.devices), 4), np.ubyte)  # ImageItem: [x, y]
        cmap = pg.ColorMap([0.0, 1.0], [QColor("#009E73"), QColor("#F0E442")])
        for i in range(len(m.devices)):
            for j in range(len(m.formats)):
                if m.meets[i, j] and np.isfinite(usd[i, j]):
                    f = 0.0 if hi <= lo else np.log(usd[i, j] / lo) / np.log(hi / lo)
                    c = cmap.map(f, mode="qcolor")
                elif m.fits[i, j]:
                    c = QColor("#BBBBBB")
                else:
                    c = QColor("#666666")
                rgba[j, i] = (c.red(), c.green(), c.blue(), 255)
                r = m.best[i][j]
                text = ("does not fit" if r is None else
                        (money(m.usd[i, j]) if np.isfinite(m.usd[i, j]) else "no price") + f" · {r.devices}×"
                        + ("" if r.meets_slo else "\nmisses"))
                label = pg.TextItem(text, color="#000000" if m.fits[i, j] else "#FFFFFF", anchor=(0.5, 0.5))
                label.setPos(j + 0.5, i + 0.5)
                self.map.addItem(label)
                self.cell_text.append(label)
        star = self.rows[0] if self.rows and self.rows[0].meets_slo else None
        if star is not None:
            i, j = m.devices.index(star.hardware), m.formats.index((star.weights, star.kv))
            label = self.cell_text[i * len(m.formats) + j]
            label.setText("★ " + label.textItem.toPlainText())
        self._fit_cell_text()
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(0, 0, len(m.formats), len(m.devices))
        segs = m.contour()
        xs = [p[0] for seg in segs for p in seg]
        ys = [p[1] for seg in segs for p in seg]
        self.contour.setData(xs, ys, connect="pairs")
        left = self.map.getPlotItem().getAxis("left")
        left.setTicks([[(i + 0.5, device_name(d)) for i, d in enumerate(m.devices)]])
        bottom = self.map.getPlotItem().getAxis("bottom")
        bottom.setTicks([[(j + 0.5, f"{format_name(w, True)} / {format_name(k, True)}") for j, (w, k) in enumerate(m.formats)]])
        self.map.setLabel("bottom", "weights / KV cache format")
        self.map.setXRange(0, len(m.formats), padding=0.02)
        self.map.setYRange(0, len(m.devices), padding=0.02)

