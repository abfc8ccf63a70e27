"""The numbers strip: TTFT, time per token, tokens/s, fit, bound, energy, cost, relationships —
and one plain sentence naming the bottleneck (the same sentence the CLI prints)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ..core.report import bottleneck_sentence
from ..core.scenario import ScenarioError
from ..core.units import count, duration, si
from .store import AppStore
from .view_base import StoreView
from .widgets import PlainPane

TILES = (  # key, caption, tooltip
    ("ttft", "time to first token", "Prefill of the whole prompt (batch included)"),
    ("tpot", "time per token", "Mean decode step over the generation"),
    ("tps", "tokens/s: sequence · all", "Decode tokens per second for one sequence · for the whole batch"),
    ("fit", "memory", "Weights + KV cache + runtime reserve per device vs usable memory"),
    ("bound", "bound by", "Which roof limits decode: memory bandwidth, compute or the interconnect"),
    ("energy", "energy / token", "Devices × TDP × time ÷ tokens (an upper bound)"),
    ("cost", "$ / 1M tokens", "Price per device-hour × time ÷ generated tokens"),
    ("rel", "relationships", "Attention scores per forward pass at the full context: L·h·n²"),
)


COLUMNS = 4  # two rows of four tiles fit beside the panels at 1280×720
WIDE = 1250  # px of readout width from which all tiles fit in one row


class Readouts(StoreView):
    def __init__(self, store: AppStore, parent: QWidget | None = None):
        super().__init__(store, parent)
        self.setObjectName("Readouts")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(2)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(0)
        self.values: dict[str, PlainPane] = {}
        self._tiles: list[tuple[QLabel, PlainPane]] = []
        for key, caption, tip in TILES:
            cap = QLabel(caption)
            cap.setStyleSheet(self.theme.style(8, self.theme.muted))
            val = PlainPane(lines=1, point_size=11.5, bold=True)
            for w in (cap, val):
                w.setToolTip(tip)
            self._tiles.append((cap, val))
            self.values[key] = val
        self._columns = 0
        self._arrange(COLUMNS)
        outer.addLayout(self.grid)
        # Text panes, not QLabels: a changed number must not re-lay-out (and so repaint from
        # scratch) every plot below it.
        self.sentence = PlainPane(lines=3, point_size=9.5)
        outer.addWidget(self.sentence)
        self.redraw()

    def restyle(self) -> None:
        t = self.theme
        for cap, val in self._tiles:
            cap.setStyleSheet(t.style(8, t.muted))
            val.set_point_size(t.pt(11.5))
        self.sentence.set_point_size(t.pt(9.5))

    def _arrange(self, columns: int) -> None:
        """Tiles in ``columns`` columns (4 beside the panels at 1280 px, 8 on wide screens)."""
        if columns == self._columns:
            return
        self._columns = columns
        for i, (cap, val) in enumerate(self._tiles):
            row, c = divmod(i, columns)
            self.grid.addWidget(cap, 2 * row, c)
            self.grid.addWidget(val, 2 * row + 1, c)
        for c in range(len(self._tiles)):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(len(TILES) if event.size().width() >= WIDE else COLUMNS)

    def redraw(self) -> None:
        s = self.store.scenario
        try:
            e = self.store.results.estimate
        except ScenarioError as exc:
            self.sentence.setText(str(exc), self.theme.error)
            return
        v = self.values
        v["ttft"].setText(duration(e.ttft_s))
        v["tpot"].setText(duration(e.tpot_s) if e.tpot_s else "—")
        v["tps"].setText(f"{e.decode_tokens_per_s:,.1f} · {e.total_tokens_per_s:,.0f}" if e.tpot_s else "—")
        v["fit"].setText(f"fits · max batch {e.max_batch:,}" if e.fits else "does not fit",
                         None if e.fits else self.theme.error)
        v["bound"].setText(e.bound)
        v["energy"].setText(si(e.energy_j_per_token, "J"))
        v["cost"].setText(f"${e.usd_per_million_tokens:,.2f}" if e.usd_per_million_tokens is not None else "no price")
        v["rel"].setText(count(e.relationships_per_forward))
        self.sentence.setText(bottleneck_sentence(s, e))
        self.estimate = e
