"""The numbers strip: TTFT, time per token, tokens/s, fit, bound, energy, cost, relationships —
and one plain sentence naming the bottleneck (the same sentence the CLI prints)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ..core.engine import bands
from ..core.specs import presets
from ..core.text.ab_compare import RATIOS, ab_sentence, ratio, times
from ..core.state.scenario import ScenarioError
from ..core.physics.units import binary_bytes, count, duration, si, si_digits
from .store import AppStore
from .theme import themed
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
    ("rel", "relationships", "Attention score entries per forward pass at the full context: L·h·n² (entries, not FLOPs: "
                             "more heads at fixed d_model do not add attention work)"),
)


SPEEDS = ("ttft", "tpot", "tps", "bound", "energy", "cost")  # muted "if it fit" when it does not


def _span(band, fmt) -> str:
    """" (38–68)": the band beside a number; nothing for the ideal runtime (it is the limit)."""
    if band is None or band.low == band.high:
        return ""
    return f" ({fmt(band.low)}–{fmt(band.high)})"


def _short_time(seconds: float) -> str:
    return duration(seconds).replace(" ", "")


def tile_texts(e, kv_cache: bool = True, banded: bool = True) -> dict[str, str]:
    """The tiles' numbers for one Estimate (B's, and A's beside it when pinned), each time and
    throughput with its band (core/bands.py) unless ``banded`` is False (A's compact line)."""
    rt = presets.runtime(e.runtime) if e.runtime and banded else None
    band = (lambda f, v: f(v, rt)) if rt else (lambda f, v: None)
    if e.fits:
        fit = "fits · no KV cache" if not kv_cache else f"fits · max batch {e.max_batch:,}"
    else:  # what is missing, in GiB like every memory figure
        fit = f"needs {binary_bytes(e.memory_needed_per_device)} of {binary_bytes(e.memory_usable_per_device)}"
    return {
        "ttft": duration(e.ttft_s) + _span(band(bands.time, e.ttft_s), _short_time),
        "tpot": (duration(e.tpot_s) + _span(band(bands.time, e.tpot_s), _short_time)) if e.tpot_s else "—",
        "tps": (two_digits(e.decode_tokens_per_s) + _span(band(bands.speed, e.decode_tokens_per_s), lambda v: f"{v:,.3g}")
                + f" · {two_digits(e.total_tokens_per_s, 0)}") if e.tpot_s else "—",
        "fit": fit,
        "bound": e.bound,
        "energy": si(e.energy_j_per_token, "J"),
        "cost": f"${e.usd_per_million_tokens:,.2f}" if e.usd_per_million_tokens is not None else "no price",
        "rel": count(e.relationships_per_forward),
    }


def two_digits(x: float, decimals: int = 1) -> str:
    """Tokens/s: two significant digits below 10 (0.75, 5.4), else ``decimals`` decimals."""
    return si_digits(x, 2) if x < 10 else f"{x:,.{decimals}f}"


BANDED = ("ttft", "tpot", "tps")


def tile_tip(key: str, tip: str) -> str:
    return tip + ("\n" + bands.TOOLTIP if key in BANDED else "") + "\nClick: how it is computed"


class ClickablePane(PlainPane):
    """A readout number that opens the formula inspector when clicked."""

    def __init__(self, on_click, **kw):
        super().__init__(**kw)
        self._on_click = on_click

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click()
        super().mousePressEvent(event)

    def setText(self, text: str, colour: str | None = None) -> None:
        tip = self.toolTip()  # keep the tile's explanation, not the number, as its tooltip
        super().setText(text, colour)
        self.setToolTip(tip)


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
        self._tiles: list[tuple[QLabel, PlainPane, PlainPane]] = []
        self.pinned_lines: dict[str, PlainPane] = {}  # with a pin: A's value and the ratio B ÷ A
        for key, caption, tip in TILES:
            cap = themed(QLabel(caption), "caption")
            line = PlainPane(lines=1, point_size=self.theme.pt(8.5))
            line.setVisible(False)
            line.setToolTip(f"Pinned scenario A's {caption}, and B ÷ A"
                            + (f" of {RATIOS[key][1]}" if key in RATIOS else ""))
            self.pinned_lines[key] = line
            val = ClickablePane(lambda k=key: self.inspect(k), lines=1, point_size=11.5, bold=True)
            val.setCursor(Qt.CursorShape.PointingHandCursor)
            for w in (cap, val):
                w.setToolTip(tile_tip(key, tip))
            self._tiles.append((cap, val, line))
            self.values[key] = val
        self._columns = 0
        self.inspector = None
        self._arrange(COLUMNS)
        outer.addLayout(self.grid)
        # Text panes, not QLabels: a changed number must not re-lay-out (and so repaint from
        # scratch) every plot below it.
        self.sentence = PlainPane(lines=3, point_size=9.5)
        outer.addWidget(self.sentence)
        self.redraw()

    def inspect(self, tile: str) -> None:
        """Open (or raise) the formula inspector on the explanation behind ``tile``."""
        from .inspector import TILE_KEYS, Inspector
        key = TILE_KEYS.get(tile, "decode")
        if self.inspector is None:
            self.inspector = Inspector(self.store, key, self.window())
            self.inspector.finished.connect(self._inspector_closed)
        else:
            self.inspector.body.show_key(key)
        self.inspector.show()
        from PySide6.QtGui import QGuiApplication
        if QGuiApplication.platformName() != "offscreen":  # no window stacking offscreen (it warns)
            self.inspector.raise_()

    def _inspector_closed(self, _result: int) -> None:
        self.inspector = None

    def restyle(self) -> None:
        t = self.theme
        for _cap, val, line in self._tiles:
            val.set_point_size(t.pt(11.5))
            line.set_point_size(t.pt(8.5))
        self.sentence.set_point_size(t.pt(9.5))
        self._arrange(self._columns_for(self.width()))

    def _arrange(self, columns: int) -> None:
        """Tiles in ``columns`` columns (4 beside the panels at 1280 px, 8 on wide screens)."""
        if columns == self._columns:
            return
        self._columns = columns
        for i, (cap, val, line) in enumerate(self._tiles):
            row, c = divmod(i, columns)
            self.grid.addWidget(cap, 3 * row, c)
            self.grid.addWidget(val, 3 * row + 1, c)
            self.grid.addWidget(line, 3 * row + 2, c)
        for c in range(len(self._tiles)):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def _columns_for(self, width: int) -> int:
        """All tiles in one row only where their values fit at this theme's type size: a value
        and its band widen with the font scale, and larger type also leaves the tiles less
        room, so the threshold grows with its square (presenter type at 1920 px keeps two
        rows of four, and no band is shrunk to unreadable)."""
        return len(TILES) if width >= WIDE * self.theme.font_scale ** 2 else COLUMNS

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self._columns_for(event.size().width()))

    def redraw(self) -> None:
        s = self.store.scenario
        try:
            e = self.store.results.estimate
        except ScenarioError as exc:
            self.sentence.setText(str(exc), self.theme.error)
            return
        texts = tile_texts(e, s.kv_cache)
        muted = None if e.fits else self.theme.muted  # speeds of something that cannot run
        tips = {k: tile_tip(k, t) for k, _c, t in TILES}
        for key, text in texts.items():
            colour = (None if e.fits else self.theme.error) if key == "fit" else (muted if key in SPEEDS else None)
            self.values[key].setText(text, colour)
            if key in SPEEDS:
                self.values[key].setToolTip(tips[key] + ("" if e.fits else " — shown as if it fit: it does not"))
        sentence = self.store.results.bottleneck_sentence  # once per scenario (the fit advice is a search)
        if e.warnings:
            sentence = "⚠ " + " ".join(e.warnings) + "\n" + sentence
        pinned = self.store.pinned_results
        ea = None
        if pinned is not None:
            try:
                ea = pinned.estimate
            except ScenarioError:
                ea = None
        t = self.theme
        a_texts = tile_texts(ea, banded=False) if ea is not None else {}
        for key, line in self.pinned_lines.items():
            if line.isVisible() != (ea is not None):  # shown and hidden on pin / clear only
                line.setVisible(ea is not None)
            if ea is not None:
                r = ratio(ea, e, key) if key in RATIOS else None
                a_text = a_texts[key] if key != "fit" else (f"fits, max {ea.max_batch:,}" if ea.fits else "does not fit")
                line.setText(f"A {a_text}" + (f" · B = {times(r)}" if r is not None else ""), t.muted)
        if ea is not None:
            sentence = ab_sentence(pinned.scenario, ea, s, e) + " " + sentence
        self.sentence.setText(sentence, self.theme.error if (e.warnings or not e.fits) else None)
        self.estimate = e
        self.pinned_estimate = ea
