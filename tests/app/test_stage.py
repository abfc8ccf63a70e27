"""Presenter mode's stage, checked on what is actually on it: every step of the essay tour at
1024×768, 1280×720 and 1920×1080 in the light, dark and presenter themes — text sizes (20 px
text, 28 px captions, 40 px readout values at 768 px, scaled with the height), no two texts
overlapping, nothing cut off at a plot's edge, no in-plot label crossed by a shown curve, every
text at WCAG AA contrast (tests/app/contrast.py measures it from a grab), and no docks, tabs,
check boxes or spin boxes on stage."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDockWidget, QTabWidget

from contrast import AA, failures, texts_on_screen
from explorer import resources
from explorer.app.present.stage_text import text_boxes
from explorer.core.features.tour import load_tour

SIZES = ((1024, 768), (1280, 720), (1920, 1080))
THEMES = ("light", "dark", "presenter")


def open_stage(make_window, size, theme):
    w = make_window(size=size)
    p = w.presenter
    p.stage_layout()
    p.start(load_tour(resources.essay_tour()))
    p.player.animate = False
    w.store.set_view(theme=theme, font_scale=1.0)
    w.settle()
    return w, p


def show(w, p, i):
    p.player.go(i)
    w.settle()
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    w.settle()
    p.stage.grab()  # a paint: pyqtgraph updates a view's transform when it draws


def _overlaps(boxes):
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            inter = a.rect.adjusted(1, 1, -1, -1).intersected(b.rect.adjusted(1, 1, -1, -1))
            if inter.width() > 0 and inter.height() > 0:
                out.append(f"{a.owner} {a.text[:30]!r} × {b.owner} {b.text[:30]!r}")
    return out


def _curve_points(card):
    """Every shown curve's points in the plot widget's pixels (densely interpolated)."""
    view = card.plot
    for key, curve, _u in card.series():
        if not curve.isVisible():
            continue
        x, y = curve.getData()
        if x is None or len(x) < 2:
            continue
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        pts = []
        for xi, yi in zip(x, y):
            pts.append(view.mapFromScene(curve.mapToScene(QPointF(float(xi), float(yi)))))
        px = np.array([(q.x(), q.y()) for q in pts], float)
        if len(px) < 2:
            continue
        dense = [np.linspace(px[j], px[j + 1], 12) for j in range(len(px) - 1)]
        yield key, np.concatenate(dense)


def fit_problems(w, p, i, size) -> list[str]:
    """Sizes, cut-off text, overlapping boxes and labels crossed by curves on step ``i``."""
    st = p.stage
    scale = max(1.0, size[1] / 768)
    problems = []
    assert (w.width(), w.height()) == size, f"step {i + 1} resized the window to {w.width()}×{w.height()}"
    assert st.isVisible() and not w.tabs.isVisible() and not w.readouts.isVisible()
    for kind in (QDockWidget, QTabWidget, QCheckBox, QAbstractSpinBox, QComboBox):
        shown = [x for x in w.findChildren(kind) if x.isVisible()]
        assert not shown, f"step {i + 1}: {kind.__name__} on stage"
    boxes = text_boxes(st)
    assert boxes, i
    for b in boxes:
        if b.px < 20 * scale - 0.5:
            problems.append(f"step {i + 1}: {b.owner} {b.text[:30]!r} is {b.px:.0f} px")
    assert st.caption.font().pixelSize() >= 28 * scale - 0.5
    for r in st.readouts:
        if r.isVisible():
            assert r.value.font().pixelSize() >= 40 * scale - 0.5
            for lab in (r.label, r.value):
                if lab.fontMetrics().horizontalAdvance(lab.text()) > lab.width():
                    problems.append(f"step {i + 1}: readout {lab.text()!r} cut off")
    cap = st.caption
    if cap.heightForWidth(cap.width()) > cap.height() + 1:
        problems.append(f"step {i + 1}: caption cut off")
    if st.title.fontMetrics().horizontalAdvance(st.title.text()) > st.title.width():
        problems.append(f"step {i + 1}: title cut off")
    problems += [f"step {i + 1}: {o}" for o in _overlaps(boxes)]
    for b in boxes:  # every text inside the stage
        if not QRectF(st.rect()).adjusted(-1, -1, 1, 1).contains(b.rect):
            problems.append(f"step {i + 1}: {b.owner} {b.text[:30]!r} off the stage at {b.rect.getRect()}")
    for card in (v for v in st.hero_views() if hasattr(v, "plot")):
        vb = card.plot.getPlotItem().vb
        area = card.plot.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        labels = [b for b in boxes if b.owner == f"{card.key} label"]
        origin = card.plot.mapTo(st, card.plot.rect().topLeft())
        for b in labels:
            r = b.rect.translated(-origin.x(), -origin.y())
            if not QRectF(area).adjusted(-1, -1, 1, 1).contains(r):
                problems.append(f"step {i + 1}: {b.text!r} cut off at the edge of {card.key} ({r.getRect()} not in {area.getRect()})")
        for key, pts in _curve_points(card):
            for b in labels:
                r = b.rect.translated(-origin.x(), -origin.y()).adjusted(2, 2, -2, -2)
                inside = ((pts[:, 0] > r.left()) & (pts[:, 0] < r.right())
                          & (pts[:, 1] > r.top()) & (pts[:, 1] < r.bottom()))
                if inside.any():
                    problems.append(f"step {i + 1}: curve {key} crosses {b.text!r}")
    return problems


def road_contrast(st) -> list[str]:
    """The highway's road writes on its own dark surface: its words against that colour."""
    from contrast import Text, rgb
    return [str(t) for t in (Text(b.owner, b.text, rgb(b.colour), rgb(b.background))
                             for b in text_boxes(st) if b.owner == "highway road") if t.ratio < AA]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_step_fits_reads_and_nothing_overlaps(make_window, size, theme):
    """One window per size and theme, every step: sizes, overlaps, cut-offs and crossings, then
    the contrast of every text (measured from a grab)."""
    w, p = open_stage(make_window, size, theme)
    problems, low, seen = [], [], 0
    for i in range(len(p.player)):
        show(w, p, i)
        problems += fit_problems(w, p, i, size)
        texts = texts_on_screen(p.stage)
        seen += len(texts)
        low += [f"step {i + 1}: {f}" for f in failures(texts) + road_contrast(p.stage)]
    assert seen > 16 * 8
    assert not problems, "\n".join(problems)
    assert not low, f"{len(low)} texts under {AA}:1 in {theme}:\n" + "\n".join(low)


TWO = [i for i, s in enumerate(load_tour(resources.essay_tour()).steps) if len(s.stage_views()) == 2]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_step_with_two_views_shows_both_side_by_side(make_window, size):
    """A comparison step lists two views: both on stage, in its order left to right, the same
    height, each about half the stage wide, neither cut off (sizes and overlaps: the test above)."""
    assert TWO, "the essay tour has a step with two views side by side"
    w, p = open_stage(make_window, size, "presenter")
    for i in TWO:
        show(w, p, i)
        step = p.player.step
        left, right = p.stage.hero_views()
        assert [left.key, right.key] == list(step.stage_views())
        assert left.isVisible() and right.isVisible()
        a, b = (v.geometry() for v in (left, right))
        assert a.right() < b.left() and a.top() == b.top() and a.height() == b.height()
        for g in (a, b):
            assert 0.4 * size[0] < g.width() < 0.55 * size[0], (g.width(), size)
            assert g.height() > 0.4 * size[1]
        for v in (left, right):  # each plot keeps the step's curves it has, and shows them
            shown = [k for k, c, _u in v.series() if c.isVisible()]
            assert shown and set(shown) <= set(step.curves), (v.key, shown)
        show(w, p, i + 1)  # the next step: one view again, the other gone
        (only,) = p.stage.hero_views()
        gone = [v for v in (left, right) if v is not only]
        assert gone and not any(v.isVisible() for v in gone)


def test_a_tour_step_lists_at_most_two_views():
    from explorer.core.features.tour import TourError, parse_tour

    head = '[tour]\ntitle = "t"\nversion = 1\n[[step]]\ntitle = "s"\ncaption = "c"\n'
    step = parse_tour(head + 'stage = { views = ["memory", "compute"] }\n').steps[0]
    assert step.stage_views() == ("memory", "compute")
    with pytest.raises(TourError, match="views"):
        parse_tour(head + 'stage = { views = ["memory", "compute", "roofline"] }\n')
