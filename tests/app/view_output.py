"""What a view shows, as plain data: every text, every control's value and range, every curve's
data, every text and line inside a plot. Two views built on the same state must show the same
thing (a view that misses a change keeps showing the old state: its output differs from a fresh
view's). View ranges are left out: they keep a little hysteresis on purpose (plots/ranges.py)."""

from __future__ import annotations

import numpy as np


def _arrays(x) -> tuple:
    if x is None:
        return ()
    a = np.asarray(x, float)
    return tuple(np.round(a, 9).tolist()) if a.size < 5000 else (a.shape, float(np.nansum(a)))


def output(view) -> dict:
    """{path: value} for everything ``view`` shows (paths use child order, so two views of one
    class line up)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLabel,
                                   QScrollBar, QWidget)

    from explorer.app.plots.fast_label import FastLabel
    from explorer.app.widgets import PlainPane, TextPane

    out: dict = {}
    for i, w in enumerate(view.findChildren(QWidget)):
        if isinstance(w, QScrollBar):
            continue  # layout, not content
        key = f"{i}:{type(w).__name__}"
        if isinstance(w, QLabel):
            out[key] = w.text()
        elif isinstance(w, (PlainPane, TextPane)):
            colour = w.colour().name() if isinstance(w, PlainPane) and w.colour() else None
            out[key] = (w.text(), colour, w.isVisibleTo(view))
        elif isinstance(w, QComboBox):
            out[key] = (w.currentData(), w.currentText(), tuple(w.itemText(j) for j in range(w.count())))
        elif isinstance(w, QAbstractSpinBox):
            out[key] = (w.text(), getattr(w, "minimum")(), getattr(w, "maximum")())
        elif isinstance(w, QAbstractButton):
            out[key] = (w.text(), w.isChecked(), w.isEnabled())
        elif isinstance(w, QAbstractSlider):
            out[key] = (w.value(), w.minimum(), w.maximum())
        elif isinstance(w, pg.PlotWidget):
            out[key] = _plot(w, FastLabel)
    return out


def _plot(plot, fast_label_cls) -> list:
    import pyqtgraph as pg

    shown = []
    item = plot.getPlotItem()
    for data_item in item.listDataItems():
        if not hasattr(data_item, "getOriginalDataset"):
            continue  # bars: below, with the scene's items
        x, y = data_item.getOriginalDataset()
        shown.append(("data", data_item.name(), data_item.isVisible(), _arrays(x), _arrays(y)))
    for it in plot.scene().items():
        if not it.isVisible():
            continue  # a hidden item may keep what it last showed
        if isinstance(it, pg.TextItem):
            shown.append(("text", it.toPlainText(), it.isVisible()))
        elif isinstance(it, fast_label_cls):
            shown.append(("label", it.text(), it.isVisible()))
        elif isinstance(it, pg.InfiniteLine):
            shown.append(("line", round(float(it.value()), 9), it.isVisible()))
        elif isinstance(it, pg.BarGraphItem):
            shown.append(("bars", _arrays(it.opts.get("height")), it.isVisible()))
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        shown.append(("axis", side, axis.labelText, axis.labelUnits, axis.logMode))
    return sorted(shown, key=repr)


def differences(a: dict, b: dict) -> list[str]:
    keys = sorted(set(a) | set(b), key=lambda k: int(k.split(":")[0]))
    out = []
    for k in keys:
        x, y = a.get(k), b.get(k)
        if x == y:
            continue
        if isinstance(x, list) and isinstance(y, list):  # a plot: the first item that differs
            pairs = [(p, q) for p, q in zip(x, y) if p != q] or [(x[len(y):], y[len(x):])]
            x, y = pairs[0]
        out.append(f"{k}: shown {str(x)[:200]!r}, fresh {str(y)[:200]!r}")
    return out
