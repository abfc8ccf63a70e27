"""Readout tiles keep readable values: one row of eight only where eight fit at the type size."""


def _rows(readouts):
    tiles = [val for _cap, val, _line in readouts._tiles]
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
    for _cap, val, _line in w.readouts._tiles:
        assert val.fontMetrics().horizontalAdvance(val.text()) <= val.width()
    w.store.set_view(theme="light")
    w.store.flush()
    qtbot.waitUntil(lambda: _rows(w.readouts) == 1)
