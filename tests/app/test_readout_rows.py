"""Readout tiles keep readable values: one row of eight only where eight fit at the type size."""


def _rows(readouts):
    tiles = list(readouts.values.values())
    return len({readouts.grid.getItemPosition(readouts.grid.indexOf(v))[0] for v in tiles})


def test_wide_light_window_uses_one_row(make_window, qtbot):
    w = make_window(size=(1920, 1080))
    qtbot.waitUntil(lambda: _rows(w.readouts) == 1)


def test_presenter_type_at_1920_keeps_two_rows_and_going_back_restores_one(make_window, qtbot):
    w = make_window(size=(1920, 1080))
    w.store.set_view(theme="presenter")
    w.store.flush()
    qtbot.waitUntil(lambda: _rows(w.readouts) == 2)
    # every value is drawn at its full size: none had to be shrunk to fit its tile
    for val in w.readouts.values.values():
        assert val.fontMetrics().horizontalAdvance(val.text()) <= val.width()
    w.store.set_view(theme="light")
    w.store.flush()
    qtbot.waitUntil(lambda: _rows(w.readouts) == 1)


def test_text_inside_the_plots_follows_the_presenter_type_size(make_window, qtbot):
    import pyqtgraph as pg

    from explorer.app.plots.fast_label import FastLabel

    w = make_window(size=(1920, 1080))

    def sizes():
        out = {}
        for key, plot in w.plots.items():
            for item in plot.plot.scene().items():
                if isinstance(item, FastLabel):
                    out.setdefault(key, []).append(item.font().pointSizeF())
                elif isinstance(item, pg.TextItem):
                    out.setdefault(key, []).append(item.textItem.font().pointSizeF())
        return out

    light = sizes()
    w.store.set_view(theme="presenter")
    w.store.flush()
    qtbot.wait(50)
    big = sizes()
    scale = w.plots["compare"].theme.font_scale
    assert scale > 1.2
    for key in ("compare", "roofline"):
        assert key in light and len(big[key]) == len(light[key])
        for a, b in zip(sorted(light[key]), sorted(big[key])):
            assert abs(b - a * scale ** 0.5) <= 0.1, key
    w.store.set_view(theme="light")
    w.store.flush()
    qtbot.wait(50)
    assert sizes() == light
