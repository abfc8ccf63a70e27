"""Tours through the store, presenter mode and its keys, themes and font zoom."""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from explorer.app.main_window import TAB_KEYS
from explorer import resources
from explorer.core.features.tour import load_tour, state_for

ESSAY = resources.essay_tour()


def _active(qtbot, w):
    """Shortcuts (F5, Ctrl+=) reach only the active window."""
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def _double_click(qtbot, widget):
    pos = widget.rect().center()
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)  # pyqtgraph sends the click on release


def _settle(qtbot, w):
    p = w.presenter
    if p.player is not None:
        p.player.finish()
    w.settle()


def test_keys_step_the_tour_forward_and_back_and_each_state_is_exact(make_window, qtbot):
    w = make_window()
    p = w.presenter
    p.enter()
    qtbot.waitUntil(lambda: p.player is not None)
    tour = load_tour(ESSAY)
    seen = []
    keys = [Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Right,
            Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace, Qt.Key.Key_PageDown]
    for key in keys:
        qtbot.keyClick(w, key)
        _settle(qtbot, w)
        i = p.player.index
        seen.append(i)
        want = state_for(tour, i, w.store.view)
        st = w.store.state
        assert st.scenario == want.scenario and st.pinned == want.pinned, i
        assert (st.view.tab, st.view.highway, st.view.tour_step) == (want.view.tab, want.view.highway, i)
        assert p.stage.counter.text() == f"{i + 1} / {len(tour)}"  # presenter mode shows the stage
        assert p.stage.title.text() == tour.steps[i].title
    assert seen == [1, 2, 3, 4, 3, 2, 1, 2]
    # The tab follows the step (step 12 is on the highway) and the highlight names its target.
    p.player.go(11)
    _settle(qtbot, w)
    assert w.tabs.currentIndex() == TAB_KEYS.index("highway") and w.store.view.tab == "highway"
    assert w.store.view.highway.closed == tour.steps[11].highway["closed"]
    p.player.go(0)
    _settle(qtbot, w)
    assert p.focus.highlighted == "rel" and p.focus.highlight.target is w.readouts.values["rel"]
    assert p.focus.solo == "compute" and w.plots["memory"].isHidden() and not w.plots["compute"].isHidden()
    assert p.stage.hero_views() == [p.stage.view("compute")] and p.stage.view("compute").isVisible()


def test_stepping_back_gives_exactly_what_stepping_forward_gave(make_window, qtbot):
    w = make_window()
    p = w.presenter
    p.open_essay_tour()
    forward = []
    for i in range(len(p.player)):
        p.player.go(i)
        _settle(qtbot, w)
        forward.append((w.store.scenario, w.store.pinned))
    for i in reversed(range(len(p.player))):
        p.player.go(i)
        _settle(qtbot, w)
        assert (w.store.scenario, w.store.pinned) == forward[i], i


def test_a_step_morphs_its_numbers_and_ends_exact_as_one_undo_entry(make_window, qtbot, monkeypatch):
    from explorer.app.present import tour_player

    # 0.5 s on a loaded machine can pass between two timer ticks (no frame between the ends):
    # a slower morph keeps the test about the behaviour, not about the machine's load
    monkeypatch.setattr(tour_player, "MORPH_MS", 3000)
    w = make_window()
    p = w.presenter
    p.open_essay_tour()
    _settle(qtbot, w)  # step 1: prompt 100
    undo_before = w.store.undo_stack.count()
    prompts = []
    w.store.changed.connect(lambda _c: prompts.append(w.store.scenario.prompt))
    p.player.go(1)  # prompt 100 -> 1000 (over ~0.5 s in the app)
    assert p.player.running()
    qtbot.waitUntil(lambda: not p.player.running(), timeout=20000)
    w.settle()
    assert w.store.scenario.prompt == 1000
    inside = [v for v in prompts if 100 < v < 1000]
    assert inside and inside == sorted(inside)  # moved through the values between, in order
    assert w.store.undo_stack.count() == undo_before + 1


def test_play_sweeps_one_field_while_the_views_follow(make_window, qtbot):
    w = make_window()
    p = w.presenter
    p.open_essay_tour()
    p.player.animate = False
    p.player.go(8)  # batch 1 -> 64
    w.settle()
    step = p.player.step
    assert step.play is not None and step.play.field == "batch"
    values = []
    w.store.changed.connect(lambda _c: values.append(w.store.scenario.batch))
    assert p.player.play()
    qtbot.waitUntil(lambda: not p.player.running(), timeout=10000)
    w.settle()
    assert w.store.scenario.batch == 64
    assert len(set(values)) > 5 and values == sorted(values)
    assert p.player.frames >= 10


def test_a_malformed_tour_is_refused_and_the_state_is_untouched(make_window, tmp_path, no_modal_boxes):
    w = make_window()
    w.store.update(batch=3)
    w.store.commit()
    before = w.store.state
    bad = tmp_path / "bad.toml"
    bad.write_text(ESSAY.read_text(encoding="utf-8").replace('prompt = 1000 }', 'prompt = -5 }'), encoding="utf-8")
    assert not w.presenter.open_tour(path=str(bad))
    assert w.store.state == before
    assert w.presenter.player is None and not w.presenter.caption_bar.isVisible()
    message = str(no_modal_boxes[-1]) if no_modal_boxes else w.statusBar().currentMessage()
    assert "bad.toml, line" in message and "prompt" in message


def test_presenter_mode_hides_docks_and_restores_them(make_window, qtbot):
    w = make_window()
    w.docks["workload"].hide()  # the user's own arrangement comes back as it was
    visible = {k: d.isVisible() for k, d in w.docks.items()}
    p = w.presenter
    _active(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert p.presenting and w.isFullScreen()
    assert not any(d.isVisible() for d in w.docks.values())
    assert not w.menuBar().isVisible() and not p.caption_bar.isVisible()  # the stage has the caption
    assert p.stage.isVisible() and not w.tabs.isVisible() and not w.readouts.isVisible()
    assert w.store.view.theme == "presenter"
    qtbot.keyClick(w, Qt.Key.Key_B)
    assert p.blank.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_B)
    assert not p.blank.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not p.presenting and not w.isFullScreen()
    assert {k: d.isVisible() for k, d in w.docks.items()} == visible
    assert w.menuBar().isVisible() and w.store.view.theme == "light"
    assert w.tabs.isVisible() and p.caption_bar.isVisible() and not p.stage.isVisible()


def test_space_steps_the_tour_even_on_the_highway_tab(make_window, qtbot):
    """The highway binds Space to pause; in presenter mode Space is 'next' (what clickers send)."""
    w = make_window()
    p = w.presenter
    p.enter()
    p.player.animate = False
    p.player.go(11)
    _settle(qtbot, w)
    w.highway.setFocus()
    qtbot.keyClick(w.highway, Qt.Key.Key_Space)
    assert p.player.index == 12 and not w.highway.paused


def test_add_this_state_as_a_step_builds_a_tour_that_opens(make_window, tmp_path):
    w = make_window()
    w.store.update(batch=8, weights="int8")
    w.store.pin()
    w.store.update(batch=16)
    w.store.set_view(tab="highway")
    talk = tmp_path / "talk.toml"
    assert w.presenter.add_step(path=str(talk), title="First")
    w.store.update(prompt=4096)
    assert w.presenter.add_step(path=str(talk), title="Second")
    tour = load_tour(talk)
    assert [s.title for s in tour.steps] == ["First", "Second"]
    assert tour.steps[1].scenario == w.store.scenario and tour.steps[1].pin == w.store.pinned
    assert tour.steps[0].scenario.batch == 16 and tour.steps[0].pin.batch == 8 and tour.steps[0].tab == "highway"


def test_themes_and_font_zoom_are_view_settings(make_window, qtbot):
    w = make_window()
    a = w.presenter.actions
    a["theme-dark"].trigger()
    w.settle()
    assert w.store.view.theme == "dark"
    from explorer.app import theme

    _active(qtbot, w)
    assert theme.current().name == "dark"
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert w.store.view.font_scale == pytest.approx(1.1)
    qtbot.keyClick(w, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert w.store.view.font_scale == pytest.approx(0.9)
    qtbot.keyClick(w, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert w.store.view.font_scale == 1.0
    a["theme-light"].trigger()
    w.settle()
    assert theme.current().name == "light"


def test_double_click_shows_a_plot_alone(make_window, qtbot):
    w = make_window()
    card = w.plots["roofline"]
    view = card.plot.viewport()
    _double_click(qtbot, view)
    assert w.presenter.focus.solo == "roofline"
    assert card.isVisible() and not w.plots["compute"].isVisible()
    w.settle()
    QApplication.processEvents()
    page = card.parentWidget()
    assert card.width() > 0.9 * page.width() and card.height() > 0.9 * page.height()  # large, alone
    _double_click(qtbot, view)
    assert w.presenter.focus.solo is None and w.plots["compute"].isVisible()


def test_closing_while_presenting_keeps_the_users_theme(make_window, qtbot):
    w = make_window()
    w.store.set_view(theme="dark")
    w.presenter.enter()
    assert w.store.view.theme == "presenter"
    w.store.mark_clean()
    w.close()
    assert w.store.view.theme == "dark" and not w.presenter.presenting


def test_closing_the_tour_brings_back_the_scenario_it_was_opened_over(make_window, qtbot):
    """F5 opens the essay tour over the user's own scenario (Llama 2 13B, a 1,024-token prompt);
    Esc leaves full screen and the tour stays on the desk; its close button brings the 13B back,
    and one Ctrl+Z returns to where the tour was."""
    from explorer.core.specs import presets

    w = make_window()
    w.store.update(model=presets.model("llama-2-13b"), prompt=1024)
    p = w.presenter
    _active(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert p.presenting and w.store.scenario.model.id != "llama-2-13b"  # the tour's first step
    toured = w.store.scenario
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not p.presenting and p.caption_bar.isVisible() and w.store.scenario == toured
    p.caption_bar.close_button.click()
    w.settle()
    assert p.player is None and w.store.scenario.model.id == "llama-2-13b" and w.store.scenario.prompt == 1024
    w.store.undo()
    w.settle()
    assert w.store.scenario == toured
