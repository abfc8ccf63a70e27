"""The view base: hidden views cost nothing and catch up when shown; hidden panels are built
on first show; redraws are capped to the display rate but never lost."""

import time
import types

import numpy as np

from explorer.app import view_base
from explorer.app.view_base import FRAME_S
from explorer.core.engine import series


def test_a_hidden_tab_does_no_work_and_catches_up_when_shown(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    w.tabs.setCurrentIndex(0)  # the highway is hidden now
    calls = []
    orig = hv.redraw
    hv.redraw = lambda: (calls.append(1), orig())
    before = hv.state.point
    for prompt in (200, 400, 800):  # the serving model's request length (the batch is the static cohort's)
        w.store.update(prompt=prompt)
        w.settle()
    assert calls == [] and hv.state.point == before  # nothing computed while hidden
    w.tabs.setCurrentIndex(1)
    assert len(calls) == 1  # one redraw on show, for all three edits
    assert hv.state.point != before and w.store.scenario.prompt == 800


def test_hidden_panels_are_built_when_first_shown(qtbot, make_window):
    w = make_window()
    assert w.panels.built("model") and w.panels.built("workload")
    assert not w.panels.built("hardware") and not w.panels.built("precision")
    w.show_panel("hardware")
    assert w.panels.built("hardware")
    assert w.docks["hardware"].widget().widget() is w.panels["hardware"]


def test_redraws_are_capped_to_the_display_rate_but_none_is_lost(qtbot, make_window, monkeypatch):
    w = make_window()
    plot = w.plots["memory"]
    # The ten edits land within one frame by the views' clock, however busy the machine is.
    frozen = time.perf_counter()
    monkeypatch.setattr(view_base, "time", types.SimpleNamespace(perf_counter=lambda: frozen))
    calls = []
    orig = plot.redraw
    plot.redraw = lambda: (calls.append(1), orig())
    for batch in range(2, 12):  # ten changes in far less than one frame
        w.store.update(batch=batch)
        w.store.flush()
    assert len(calls) <= 2  # at most the first at once and one at the next frame
    qtbot.waitUntil(lambda: not plot.pending, timeout=int(FRAME_S * 1000) + 2000)
    x, y = plot.curve("total").getOriginalDataset()
    d = series.memory_traffic(w.store.scenario)  # drawn in GiB
    assert w.store.scenario.batch == 11
    np.testing.assert_allclose(y, (d.weights + d.kv) / 2**30)
