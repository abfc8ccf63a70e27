"""One Theme object: colours, line widths and font sizes for every view (no hex literals in
views). The palette is Okabe & Ito's (2008) colour-blind-safe set.

Themes swap at run time: the store's ``ViewState.theme`` / ``font_scale`` name one;
:func:`use` makes it current and every view restyles (``StoreView.restyle``). Presenter mode
is such a swap: larger type, thicker lines, the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QFont

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}
SERIES = ["blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow"]


@dataclass(frozen=True, eq=False)
class Theme:
    name: str = "light"
    palette: dict = field(default_factory=lambda: dict(OKABE_ITO))
    background: str = "#FFFFFF"
    foreground: str = "#222222"  # axes, plot text
    text: str = "#222222"
    muted: str = "#555555"  # captions
    note: str = "#444444"  # small explanatory text
    error: str = "#D55E00"  # vermillion: refused edits, "does not fit"
    overlay_bg: str = "rgba(255,255,255,215)"  # hover readout box
    weights_fill: str = "#CFE2F0"  # light tints of the blue and orange
    kv_fill: str = "#F7E2B5"
    road: str = "#3A3A3A"
    ramp: str = "#2A2A2A"
    lane_mark: str = "#BBBBBB"
    road_text: str = "#FFFFFF"
    grid_alpha: float = 0.15
    line_scale: float = 1.0  # × every line width
    font_scale: float = 1.0  # × every font size
    base_pt: float = 9.0  # the application font

    def colour(self, name_or_index) -> str:
        if isinstance(name_or_index, int):
            return self.palette[SERIES[name_or_index % len(SERIES)]]
        return self.palette[name_or_index]

    def width(self, w: float) -> float:
        return w * self.line_scale

    def pt(self, size: float) -> float:
        """A font size (points) in this theme."""
        return round(size * self.font_scale, 1)

    def plot_pt(self, size: float) -> float:
        """A label drawn inside a plot shares the plot's area with the data, so it grows with
        the square root of the font scale (2× type gives 1.4× labels)."""
        return round(size * self.font_scale ** 0.5, 1)

    def style(self, size: float, colour: str | None = None) -> str:
        """A style sheet fragment: font size, and colour if given."""
        return f"font-size: {self.pt(size)}pt;" + (f" color: {colour};" if colour else "")


LIGHT = Theme()
PRESENTER = Theme(name="presenter", foreground="#000000", text="#000000", muted="#333333", note="#222222",
                  line_scale=1.8, font_scale=1.35, grid_alpha=0.25)
DARK = Theme(name="dark", palette={**OKABE_ITO, "black": "#E0E0E0"}, background="#1E1E1E", foreground="#D8D8D8",
             text="#E6E6E6", muted="#AAAAAA", note="#BBBBBB", error="#FF8A4C",
             overlay_bg="rgba(30,30,30,215)", weights_fill="#1D3A55", kv_fill="#4A3A14", road="#4A4A4A",
             ramp="#3A3A3A", lane_mark="#888888", grid_alpha=0.25)
THEMES = {t.name: t for t in (LIGHT, DARK, PRESENTER)}  # one per name in core.state.view_rules.THEMES
_current = [LIGHT]
_base_pt = [LIGHT.base_pt]


def current() -> Theme:
    return _current[0]


@lru_cache(maxsize=16)
def theme_for(name: str, font_scale: float = 1.0) -> Theme:
    """The theme a ViewState names (its ``theme`` and ``font_scale``)."""
    base = THEMES[name]
    return base if font_scale == 1.0 else replace(base, font_scale=base.font_scale * font_scale)


def use(theme: Theme, app=None) -> Theme:
    """Make ``theme`` current (new views and restyled views read it) and apply it to ``app``."""
    _current[0] = theme
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground, antialias=True, useOpenGL=False)
    if app is not None:
        font = app.font()
        font.setPointSizeF(theme.pt(_base_pt[0]))
        app.setFont(font)
        app.setPalette(_qt_palette(theme, app))
    return theme


def _qt_palette(theme: Theme, app):
    """Window, text and control colours for the widgets around the plots (dark theme)."""
    from PySide6.QtGui import QColor, QPalette

    pal = app.style().standardPalette()
    if theme.name != "dark":
        return pal
    role = QPalette.ColorRole
    for r, c in ((role.Window, "#262626"), (role.WindowText, theme.text), (role.Base, "#1E1E1E"),
                 (role.AlternateBase, "#2C2C2C"), (role.Text, theme.text), (role.Button, "#333333"),
                 (role.ButtonText, theme.text), (role.ToolTipBase, "#333333"), (role.ToolTipText, theme.text),
                 (role.PlaceholderText, theme.muted), (role.Highlight, theme.colour("blue")),
                 (role.HighlightedText, "#FFFFFF")):
        pal.setColor(r, QColor(c))
    return pal


def current_base_pt() -> float:
    """The application's font size before any theme scaling."""
    return _base_pt[0]


def colour(name_or_index) -> str:
    return current().colour(name_or_index)


def apply_theme(app) -> None:
    """Start-up: the light theme, with a readable minimum font size."""
    font = app.font()
    if font.pointSizeF() < LIGHT.base_pt:
        font.setPointSizeF(LIGHT.base_pt)
        app.setFont(font)
    _base_pt[0] = font.pointSizeF()
    _current[0] = LIGHT
    pg.setConfigOptions(background=LIGHT.background, foreground=LIGHT.foreground, antialias=True, useOpenGL=False)


def mono_font() -> QFont:
    f = QFont("DejaVu Sans Mono")
    f.setStyleHint(QFont.StyleHint.Monospace)
    return f
