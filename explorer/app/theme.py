"""One Theme object: colours, line widths and font sizes for every view (no hex literals in
views). The palette is Okabe & Ito's (2008) colour-blind-safe set.

Themes swap at run time: the store's ``ViewState.theme`` / ``font_scale`` name one and the store
owns it (``AppStore.theme``); on a change the store calls :func:`use`, which makes it current,
re-applies it to the application (font, Qt palette, pyqtgraph defaults) and to every widget
that holds a text *role* (:func:`themed`), and every view restyles (``StoreView.restyle``).
No widget keeps a style sheet from the time it was built: a widget names its role ("note",
"caption", "error", "legend", "overlay", "title") and the style comes from the theme in use.
Presenter mode is such a swap: larger type, thicker lines, the same colours.

Text is readable in every theme: :meth:`Theme.ink` gives a palette colour shaded until it
has WCAG AA contrast (≥ 4.5:1) on both the plot and the window background, for text drawn in
a series' colour (a line's label); ``tests/app/test_theme_contrast.py`` measures every text.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLocale
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


AA_TEXT = 4.5  # WCAG 2 AA: the least contrast for body text


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#RRGGBB"."""
    h = colour.lstrip("#")
    lin = [(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for c in
           (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def _mix(a: str, b: str, t: float) -> str:
    ca, cb = (int(a[i:i + 2], 16) for i in (1, 3, 5)), (int(b[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb))


@dataclass(frozen=True, eq=False)
class Theme:
    name: str = "light"
    palette: dict = field(default_factory=lambda: dict(OKABE_ITO))
    background: str = "#FFFFFF"  # plots
    window: str = "#EFEFEF"  # panels, docks, the readout strip (Qt's window colour)
    foreground: str = "#222222"  # axes, plot text
    text: str = "#222222"
    muted: str = "#555555"  # captions
    note: str = "#444444"  # small explanatory text
    error: str = "#B34A00"  # a vermillion dark enough to read (5:1): refused edits, "does not fit"
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

    def ink(self, name_or_colour: str | int) -> str:
        """A colour for TEXT in a palette hue (a line's label in the line's colour): the hue,
        moved toward the text colour until it reads at AA contrast on the plot and the window."""
        c = name_or_colour if isinstance(name_or_colour, str) and name_or_colour.startswith("#") \
            else self.colour(name_or_colour)
        return _ink(c, self.text, self.background, self.window)

    def role_style(self, role: str, size: float | None = None) -> str:
        """The style sheet of a widget with a text role (see :data:`ROLES`)."""
        default_size, colour_attr, extra = ROLES[role]
        colour = getattr(self, colour_attr) if colour_attr else None
        sheet = self.style(size or default_size, colour) + extra
        if role == "overlay":
            sheet = f"background: {self.overlay_bg}; " + sheet
        return sheet


@lru_cache(maxsize=256)
def _ink(colour: str, text: str, *backgrounds: str) -> str:
    for step in range(21):
        c = _mix(colour, text, step / 20)
        if all(contrast(c, bg) >= AA_TEXT + 0.1 for bg in backgrounds):
            return c
    return text


# role: (font size in points at scale 1, Theme attribute of its colour or None, extra style)
ROLES = {
    "note": (8.5, "note", ""),  # small explanatory text in the panels
    "caption": (8.0, "muted", ""),  # the readout tiles' captions
    "error": (8.5, "error", ""),  # a refused edit, in a panel
    "legend": (8.0, "text", ""),  # a plot's legend under it
    "overlay": (8.5, "text", " padding: 1px 3px;"),  # the hover readout on a plot
    "title": (11.5, "text", " font-weight: bold;"),  # a headline (the post, the caption bar)
    "body": (10.5, "text", ""),
    "muted": (10.5, "muted", ""),
}
ROLE_PROPERTY = "themeRole"
_THEMED: "weakref.WeakSet" = weakref.WeakSet()  # every widget with a role, re-styled by use()


LIGHT = Theme()
PRESENTER = Theme(name="presenter", foreground="#000000", text="#000000", muted="#333333", note="#222222",
                  line_scale=1.8, font_scale=1.35, grid_alpha=0.25)
DARK = Theme(name="dark", palette={**OKABE_ITO, "black": "#E0E0E0"}, background="#1E1E1E", window="#262626",
             foreground="#D8D8D8",
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
    """Make ``theme`` current (new views and restyled views read it) and apply it to ``app`` and
    to every widget with a text role. The store calls it when its view names another theme."""
    _current[0] = theme
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground, antialias=True, useOpenGL=False)
    if app is not None:
        font = app.font()
        font.setPointSizeF(theme.pt(_base_pt[0]))
        app.setFont(font)
        app.setPalette(_qt_palette(theme, app))
        for w in list(_THEMED):
            if shiboken6.isValid(w):
                _apply_role(w, theme)
    return theme


def themed(widget, role: str, size: float | None = None):
    """Give ``widget`` a text role: its style comes from the theme in use, now and after every
    theme swap (never a style sheet fixed when it was built). ``size``: points at scale 1."""
    if role not in ROLES:
        raise ValueError(f"unknown text role {role!r} (one of {', '.join(ROLES)})")
    widget.setProperty(ROLE_PROPERTY, role)
    widget.setProperty("themeSize", float(size or 0.0))
    _apply_role(widget, current())
    _THEMED.add(widget)
    return widget


def _apply_role(widget, theme: Theme) -> None:
    sheet = theme.role_style(widget.property(ROLE_PROPERTY), widget.property("themeSize") or None)
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
    else:  # the same sheet still re-reads the palette around it (a style sheet pins it at polish)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def _qt_palette(theme: Theme, app):
    """Window, text and control colours for the widgets around the plots."""
    from PySide6.QtGui import QColor, QPalette

    pal = app.style().standardPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, QColor(theme.window))
    pal.setColor(role.WindowText, QColor(theme.text))
    if theme.name != "dark":
        return pal
    for r, c in ((role.Window, theme.window), (role.WindowText, theme.text), (role.Base, "#1E1E1E"),
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


# One number format for the whole window: the readouts, plots and captions are formatted by Python
# ("1,024.5"), so the spin boxes and every other Qt widget use the same separators whatever the
# system locale is (under de_DE Qt alone would show "1.024,5" in a spin box beside "1,024.5").
NUMBER_LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def apply_number_locale() -> None:
    QLocale.setDefault(NUMBER_LOCALE)


def apply_theme(app) -> None:
    """Start-up: the light theme, with a readable minimum font size. Called again (tests), it
    puts the light theme back whole: font size, palette and every themed widget."""
    apply_number_locale()
    if not _started[0]:
        font = app.font()
        if font.pointSizeF() < LIGHT.base_pt:
            font.setPointSizeF(LIGHT.base_pt)
            app.setFont(font)
        _base_pt[0] = font.pointSizeF()  # the size before any theme scales it
        _started[0] = True
    use(LIGHT, app)


_started = [False]


def mono_font() -> QFont:
    f = QFont("DejaVu Sans Mono")
    f.setStyleHint(QFont.StyleHint.Monospace)
    return f
