"""Colours and pyqtgraph defaults. The palette is Okabe & Ito's (2008) colour-blind-safe set."""

from __future__ import annotations

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


def colour(name_or_index) -> str:
    if isinstance(name_or_index, int):
        return OKABE_ITO[SERIES[name_or_index % len(SERIES)]]
    return OKABE_ITO[name_or_index]


def apply_theme(app) -> None:
    pg.setConfigOptions(background="w", foreground="#222222", antialias=True, useOpenGL=False)
    font = app.font()
    if font.pointSizeF() < 9:
        font.setPointSizeF(9)
        app.setFont(font)


def mono_font() -> QFont:
    f = QFont("DejaVu Sans Mono")
    f.setStyleHint(QFont.StyleHint.Monospace)
    return f
