"""The numbers strip: TTFT, time per token, tokens/s, fit, bound, energy, cost, relationships —
and one plain sentence naming the bottleneck (the same sentence the CLI prints)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ..core.estimate import estimate
from ..core.report import bottleneck_sentence
from ..core.scenario import ScenarioError
from ..core.units import count, duration, si
from .store import ScenarioStore
from .widgets import TextPane

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


def _b(text: str, colour: str = "") -> str:
    style = f" style='color:{colour}'" if colour else ""
    return f"<b{style}>{text}</b>"


COLUMNS = 4  # two rows of four tiles fit beside the panels at 1280×720


class Readouts(QWidget):
    def __init__(self, store: ScenarioStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setObjectName("Readouts")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(2)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(0)
        self.values: dict[str, QLabel] = {}
        for col, (key, caption, tip) in enumerate(TILES):
            cap = QLabel(caption)
            cap.setStyleSheet("color: #555; font-size: 8pt;")
            val = TextPane(lines=1, point_size=11.5)
            for w in (cap, val):
                w.setToolTip(tip)
            row, c = divmod(col, COLUMNS)
            grid.addWidget(cap, 2 * row, c)
            grid.addWidget(val, 2 * row + 1, c)
            self.values[key] = val
        outer.addLayout(grid)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #ddd;")
        # Text panes, not QLabels: a changed number must not re-lay-out (and so repaint from
        # scratch) every plot below it.
        self.sentence = TextPane(lines=3, point_size=9.5)
        outer.addWidget(self.sentence)
        store.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        s = self.store.scenario
        try:
            e = estimate(s)
        except ScenarioError as exc:
            self.sentence.setText(f"<span style='color:#D55E00'>{exc}</span>")
            return
        v = self.values
        v["ttft"].setText(_b(duration(e.ttft_s)))
        v["tpot"].setText(_b(duration(e.tpot_s) if e.tpot_s else "—"))
        v["tps"].setText(_b(f"{e.decode_tokens_per_s:,.1f} · {e.total_tokens_per_s:,.0f}" if e.tpot_s else "—"))
        v["fit"].setText(_b(f"fits · max batch {e.max_batch:,}") if e.fits else _b("does not fit", "#D55E00"))
        v["bound"].setText(_b(e.bound))
        v["energy"].setText(_b(si(e.energy_j_per_token, "J")))
        v["cost"].setText(_b(f"${e.usd_per_million_tokens:,.2f}" if e.usd_per_million_tokens is not None else "no price"))
        v["rel"].setText(_b(count(e.relationships_per_forward)))
        self.sentence.setText(bottleneck_sentence(s, e))
        self.estimate = e
