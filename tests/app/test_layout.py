"""A 1024×768 projector: the window opens no larger than the screen and nothing is squeezed
into anything else."""

from PySide6.QtCore import QRect


class _Screen:
    def __init__(self, w, h):
        self._geo = QRect(0, 0, w, h)

    def availableGeometry(self):
        return self._geo


def _fit(w, width, height, monkeypatch):
    monkeypatch.setattr(w, "screen", lambda: _Screen(width, height))
    w.fit_screen()


def test_default_size_on_a_large_screen(make_window, monkeypatch):
    w = make_window()
    _fit(w, 1920, 1080, monkeypatch)
    assert (w.width(), w.height()) == (1280, 720)


def test_a_1024x768_screen_gets_the_whole_free_area_and_the_window_fits_it(make_window, monkeypatch, qtbot):
    w = make_window()
    _fit(w, 1024, 768, monkeypatch)
    assert (w.width(), w.height()) == (1024, 768)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768


def test_plot_cards_do_not_overlap_their_legends_at_1024x768(make_window):
    w = make_window(size=(1024, 738))  # 768 less a window manager's title bar
    for key, card in w.plots.items():
        plot, legend = card.plot.geometry(), card.legend.geometry()
        assert plot.bottom() < legend.top(), key
        assert legend.bottom() <= card.height(), key


def test_one_line_readouts_fit_their_tiles_at_1024x768(make_window):
    w = make_window(size=(1024, 768))
    right = w.readouts.mapTo(w, w.readouts.rect().topRight()).x()
    assert right <= w.width()
    for key, pane in w.readouts.values.items():
        assert pane.mapTo(w, pane.rect().topRight()).x() <= w.width(), key


def test_the_six_tabs_fit_a_1024_projector_without_scroll_arrows(make_window, qtbot):
    """At 1024×768 the full titles need scroll arrows (the bar then slides under the pointer as a
    tab is picked): the short titles fit whole; at 1280×720 the full ones are back."""
    w = make_window(size=(1024, 768))
    w.settle()
    bar = w.tabs.tabBar()
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())][-1] == "&Deployment"
    assert bar.sizeHint().width() <= w.tabs.width()  # every tab whole, nothing to scroll
    assert w.tabs.tabToolTip(5) == "Plan a deployment"
    w.resize(1280, 720)
    w.settle()
    qtbot.waitUntil(lambda: w.tabs.tabText(5) == "Plan a &deployment")
    assert bar.sizeHint().width() <= w.tabs.width()
