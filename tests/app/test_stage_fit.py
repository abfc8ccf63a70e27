"""Presenter mode fits the screen: the window never grows past it (any step, any font zoom),
opening the essay tour does not widen a 1024 px window, and Esc gives back the geometry the
window had. The real-window check of the same (Xvfb, xdotool keys) is
benchmarks/stage_fit_xvfb.sh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt

from explorer import resources
from explorer.core.features.tour import load_tour

SIZES = ((1024, 768), (1280, 720), (1920, 1080))


def test_opening_the_essay_tour_does_not_widen_a_1024_window(make_window):
    w = make_window(size=(1024, 768))
    w.presenter.open_essay_tour()
    w.settle()
    for i in range(len(w.presenter.player)):
        w.presenter.player.animate = False
        w.presenter.player.go(i)
        w.settle()
        assert w.minimumSizeHint().width() <= 1024, f"step {i + 1} asks for {w.minimumSizeHint().width()} px"
        assert w.width() == 1024, f"step {i + 1} widened the window to {w.width()} px"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_stage_never_asks_for_more_than_the_screen_at_any_zoom(make_window, size):
    w = make_window(size=size)
    p = w.presenter
    p.stage_layout()
    p.start(load_tour(resources.essay_tour()))
    p.player.animate = False
    for zoom in (1.0, 2.0):
        w.store.set_view(theme="presenter", font_scale=zoom)
        for i in range(len(p.player)):
            p.player.go(i)
            w.settle()
            need = w.minimumSizeHint()
            assert need.width() <= size[0] and need.height() <= size[1], (zoom, i + 1, need)
            assert (w.width(), w.height()) == size, (zoom, i + 1)
    w.store.set_view(theme="light", font_scale=1.0)  # the application font is global: leave it as found


def test_f5_caps_the_window_at_the_screen_and_esc_restores_its_geometry(make_window, qtbot):
    w = make_window(size=(1100, 700))
    w.move(30, 40)
    before = QRect(w.geometry())
    p = w.presenter
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow())
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert p.presenting
    screen = w.screen().geometry()
    assert w.maximumWidth() <= screen.width() and w.maximumHeight() <= screen.height()
    for _ in range(len(p.player) + 1):
        qtbot.keyClick(w, Qt.Key.Key_PageDown)
        w.settle()
        assert w.width() <= screen.width() and w.height() <= screen.height()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not p.presenting
    assert w.geometry().size() == before.size()
    assert w.maximumWidth() > screen.width()  # the cap goes with presenter mode
