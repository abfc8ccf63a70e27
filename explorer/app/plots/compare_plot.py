"""Hardware comparison: the current scenario's decode speed and time to first token on
several devices side by side (default: the essay's RTX 4090, M2 Ultra, H100 PCIe and SXM)."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton

from ...core.specs import presets
from ...core.engine import series
from ...core.physics.units import duration
from ...core.state.view_rules import compared_toggled
from ..readouts import two_digits
from ..theme import colour
from .base import PlotCard
from .fast_label import FastLabel

BOUND_COLOUR = {"memory-bound": "blue", "compute-bound": "green", "interconnect-bound": "purple"}


def short_name(name: str) -> str:
    """'NVIDIA GeForce RTX 4090 24GB' -> 'RTX 4090'; 'Apple M2 Ultra (76-core GPU)' -> 'M2 Ultra'."""
    name = re.sub(r"\(.*?\)", "", name)
    name = re.sub(r"\b(NVIDIA|GeForce|Apple|AMD Instinct|AMD)\b", "", name)
    name = re.sub(r"\b\d+\s?GB\b", "", name)
    return " ".join(name.split())[:16]


class ComparePlot(PlotCard):
    key = "compare"
    title = "Same scenario, other hardware"
    x_label, x_units = "", ""
    y_label, y_units = "decode", "tokens/s"
    default_log = (False, False)
    view_fields = PlotCard.view_fields | {"compared_devices"}

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.plot.addItem(self.bars)
        # The pinned scenario (A): outlined, dashed bars beside B's, on the same devices.
        self.pinned_bars = pg.BarGraphItem(x=[], height=[], width=0.38)
        self.pinned_bars.setVisible(False)
        self.plot.addItem(self.pinned_bars)
        self.pinned_heights: list[float] = []
        self._pinned_key = None
        self._render_legend()
        self.plot.getPlotItem().getAxis("bottom").setHeight(36)
        self.plot.setMouseEnabled(x=False, y=False)
        self.labels: list[FastLabel] = []
        self._ticks: list = []
        for _ in range(len(store.view.compared_devices) + 1):  # the comparison set + the current device
            self._new_label()
        self.results: list[series.DeviceResult] = []
        # Which devices to compare: the user's choice, kept in the session (ViewState).
        self.choose = QToolButton()
        self.choose.setText("Devices…")
        self.choose.setToolTip("Choose the devices compared (kept with the session)")
        self.choose.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.device_menu = QMenu(self.choose)
        self.device_menu.aboutToShow.connect(self._fill_device_menu)
        self.choose.setMenu(self.device_menu)
        self.layout().itemAt(0).layout().addWidget(self.choose)
        self._fill_device_menu()
        self.redraw()

    @property
    def ticks(self) -> list:
        """(position, device name) under each bar, as the axis shows them."""
        return list(self._ticks)

    def _fill_device_menu(self) -> None:
        chosen = set(self.store.view.compared_devices)
        self.device_menu.clear()
        for did, hw in presets.hardware().items():
            a = self.device_menu.addAction(hw.name)
            a.setCheckable(True)
            a.setChecked(did in chosen)
            a.setData(did)
            a.toggled.connect(lambda on, d=did: self.set_compared(d, on))

    def set_compared(self, device_id: str, on: bool) -> None:
        """Add or remove one device from the comparison (at least one stays)."""
        now = compared_toggled(self.store.view.compared_devices, device_id, on)
        if now != self.store.view.compared_devices and not self.store.set_view(compared_devices=now):
            self._fill_device_menu()  # refused (a 13th device): the ticks go back to what is compared

    def _render_legend(self) -> None:
        c = self.theme.colour
        self.legend.setText("Bars: decode tokens/s per sequence; colour = what limits it "
                            f"(<span style='color:{c('blue')}'>■</span>&nbsp;memory, <span style='color:{c('green')}'>■"
                            f"</span>&nbsp;compute, <span style='color:{c('purple')}'>■</span>&nbsp;interconnect); "
                            "● = current device")

    def _draw_pinned(self, x: np.ndarray, brushes: list) -> bool:
        """A's decode speed on B's devices (matched by device ID); False when nothing is pinned."""
        res = self.store.pinned_results
        if res is None:
            self.pinned_bars.setVisible(False)
            self._pinned_key = None
            self.pinned_heights = []
            return False
        by_id = {r.device_id: r for r in res.compare_devices(tuple(r.device_id for r in self.results))}
        self.pinned_heights = []
        for r in self.results:
            a = by_id.get(r.device_id)
            ok = a is not None and a.fits and a.decode_tokens_per_s is not None
            self.pinned_heights.append(a.decode_tokens_per_s if ok else 0.0)
        key = (tuple(self.pinned_heights), tuple(b.color().rgba() for b in brushes), self.theme)
        if key != self._pinned_key:  # unchanged while only B is edited: no new bar picture
            self._pinned_key = key
            pens = [pg.mkPen(b.color(), width=self.theme.width(1.5), style=Qt.PenStyle.DashLine) for b in brushes]
            self.pinned_bars.setOpts(x=x - 0.2, height=np.asarray(self.pinned_heights), width=0.38,
                                     brushes=[pg.mkBrush(None)] * len(brushes), pens=pens)
        if not self.pinned_bars.isVisible():
            self.pinned_bars.setVisible(True)
        return True

    def _new_label(self) -> None:
        label = self.ink(FastLabel("", anchor=(0.5, 1.0), point_size=8))
        self.plot.addItem(label)
        self.labels.append(label)

    def redraw(self) -> None:
        self.results = self.store.results.compare_devices(self.store.view.compared_devices)
        heights, brushes, ticks = [], [], []
        for i, res in enumerate(self.results):
            ok = res.fits and res.decode_tokens_per_s is not None
            heights.append(res.decode_tokens_per_s if ok else 0.0)
            brushes.append(pg.mkBrush(colour(BOUND_COLOUR.get(res.label, "grey"))))
            current = " ●" if res.device_id == self.store.scenario.hardware.id else ""
            count = f"{self.store.scenario.devices}× " if self.store.scenario.devices > 1 else ""
            ticks.append((i, f"{count}{short_name(res.name)}{current}"))
        x = np.arange(len(heights), dtype=float)
        pinned = self._draw_pinned(x, brushes)
        shift, width = (0.2, 0.38) if pinned else (0.0, 0.6)
        self.bars.setOpts(x=x + shift, height=np.asarray(heights), width=width, brushes=brushes)
        heights_all = heights + (self.pinned_heights if pinned else [])
        if ticks != self._ticks:  # new ticks redraw the axis: only when the devices change
            self._ticks = ticks
            self.plot.getPlotItem().getAxis("bottom").setTicks([ticks])
        top = max(heights_all + [1.0])
        while len(self.labels) < len(self.results):  # only if someone compares more devices
            self._new_label()
        for i, label in enumerate(self.labels):
            label.setVisible(i < len(self.results))
        for i, res in enumerate(self.results):
            if res.error or not res.fits or res.decode_tokens_per_s is None:
                text = res.label
            else:
                text = (f"{two_digits(res.decode_tokens_per_s, 0)} tok/s\nTTFT {duration(res.ttft_s)}\n"
                        f"{res.label.replace('-bound', '')}")
            if pinned:
                a = self.pinned_heights[i]
                text = (f"B {two_digits(res.decode_tokens_per_s, 0)} tok/s\nA {two_digits(a, 0)}"
                        + (f" ({res.decode_tokens_per_s / a:.2g}×)"
                        if a > 0 else "") if res.fits and res.decode_tokens_per_s else text)
            self.labels[i].setText(text)
            self.labels[i].setPos(i, max(heights[i], self.pinned_heights[i] if pinned else 0.0) + 0.02 * top)
        if max(heights_all) > 0 or self._range is None:  # nothing fits anywhere: keep the scale
            self.fit_view([], [0.0, top], y_floor=0.0, headroom=1.45, exact_x=(-0.6, len(heights) - 0.4))
