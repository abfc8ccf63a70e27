"""View rules driven like a user: a 13th device ticked in Devices…, a road cut below its closed
lanes, a session saved mid-tour. Each refusal is the store's one line in the status bar, the
control put back, no error box, no exception (the rules: core.state.view_rules)."""

from pathlib import Path

from explorer import resources
from explorer.core.features.tour import load_tour
from explorer.core.specs import presets


def _menu_action(plot, device_id):
    plot.device_menu.aboutToShow.emit()  # the menu fills as it opens
    return next(a for a in plot.device_menu.actions() if a.data() == device_id)


def test_a_thirteenth_device_is_refused_in_words_and_its_tick_goes_back(qtbot, make_window, no_modal_boxes):
    w = make_window()
    plot = w.plots["compare"]
    ids = sorted(presets.hardware())
    assert len(ids) > 12
    chosen = list(w.store.view.compared_devices)
    for did in ids:  # tick devices one by one, as a user would, up to twelve
        if len(chosen) == 12:
            break
        if did not in chosen:
            _menu_action(plot, did).trigger()
            chosen.append(did)
    w.settle()
    assert list(w.store.view.compared_devices) == chosen and len(chosen) == 12
    extra = next(d for d in ids if d not in chosen)
    action = _menu_action(plot, extra)
    action.trigger()  # the 13th: raised an unhandled error before
    assert list(w.store.view.compared_devices) == chosen
    assert w.statusBar().currentMessage() == "Not applied: view.compared_devices must list 1 to 12 devices"
    assert not _menu_action(plot, extra).isChecked()  # the tick went back
    assert not no_modal_boxes
    # Un-ticking the last device keeps it: a chart of nothing says nothing.
    w.store.set_view(compared_devices=(chosen[0],))
    _menu_action(plot, chosen[0]).trigger()
    assert w.store.view.compared_devices == (chosen[0],)


def test_fewer_lanes_than_are_closed_closes_them_all(qtbot, make_window):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway.panel  # the highway's controls (a panel editing view.highway)
    hv.lanes.setValue(16)
    hv.closed.setValue(10)
    assert (w.store.view.highway.lanes, w.store.view.highway.closed) == (16, 10)
    hv.lanes.setValue(4)  # the road is cut to 4 lanes: all 4 closed, not 10 of 4
    assert (w.store.view.highway.lanes, w.store.view.highway.closed) == (4, 4)
    assert hv.closed.value() == 4 and hv.closed.maximum() == 4
    hv.lanes.setValue(8)  # and growing the road back opens the new lanes
    assert (w.store.view.highway.lanes, w.store.view.highway.closed) == (8, 4)


def test_a_session_saved_mid_tour_reopens_at_that_step(qtbot, make_window, tmp_path):
    w = make_window()
    p = w.presenter
    assert p.open_essay_tour()
    tour = load_tour(resources.essay_tour())
    for _ in range(3):
        p.next()
        p.player.finish()
    w.settle()
    w.store.update(batch=w.store.scenario.batch + 1)  # an edit made at that step is kept too
    saved_scenario = w.store.scenario
    path = tmp_path / "mid-tour.json"
    assert w.files.save_scenario(str(path))
    p.close_tour()
    assert p.player is None and w.store.view.tour is None

    again = make_window()
    assert again.files.open_scenario(str(path))
    q = again.presenter
    assert q.player is not None and q.player.index == 3
    assert q.caption_bar.isVisible()
    assert q.caption_bar.title.text() == tour.steps[3].title
    assert q.caption_bar.counter.text() == f"4 / {len(tour)}"
    assert again.store.scenario == saved_scenario  # the session as saved, not the step's own state
    q.next()
    q.player.finish()
    assert q.player.index == 4 and again.store.view.tour_step == 4
    # A session saved outside a tour closes the tour the window has open.
    plain = tmp_path / "plain.json"
    w.files.save_scenario(str(plain))
    assert again.files.open_scenario(str(plain))
    assert q.player is None and not q.caption_bar.isVisible()
    assert Path(path).exists()
