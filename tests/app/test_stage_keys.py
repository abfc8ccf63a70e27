"""The room: a passing mouse wheel changes nothing (controls off stage, plots on stage), and the
keys a speaker presses do what the key list (?) says."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from explorer.core.state.scenario import default_scenario


def wheel(widget, steps: int = -3) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_a_passing_wheel_does_not_change_an_unfocused_combo_box(make_window, qtbot):
    w = make_window(default_scenario().with_(devices=2))
    w.show_panel("hardware")
    combo = w.panels["hardware"].parallel
    w.docks["hardware"].widget().setFocus()  # focus elsewhere: the pointer only passes over the box
    before, parallel = combo.currentIndex(), w.store.scenario.parallel
    wheel(combo, -3)
    wheel(combo, 3)
    w.store.flush()
    assert combo.currentIndex() == before and w.store.scenario.parallel == parallel
    combo.setFocus()  # clicked or tabbed to: then the wheel is the user's intent
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo, -1 if before == 0 else 1)
    w.store.flush()
    assert combo.currentIndex() != before


def _present(make_window, qtbot):
    w = make_window(size=(1280, 720))
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    p = w.presenter
    assert p.presenting
    p.player.animate = False
    return w, p


def _key(qtbot, w, key, text=""):
    qtbot.keyClick(w, key)
    if w.presenter.player is not None and not w.presenter.player.running():
        w.settle()


def test_the_wheel_does_nothing_to_a_plot_on_stage(make_window, qtbot):
    w, p = _present(make_window, qtbot)
    card = p.stage.hero_views()[0]
    w.settle()
    before = card.plot.getPlotItem().vb.viewRange()
    wheel(card.plot.viewport(), 5)
    w.settle()
    assert card.plot.getPlotItem().vb.viewRange() == before


def test_speaker_keys(make_window, qtbot):
    w, p = _present(make_window, qtbot)
    n = len(p.player)
    _key(qtbot, w, Qt.Key.Key_B)
    assert p.blank.isVisible()
    _key(qtbot, w, Qt.Key.Key_PageDown)  # first step key only brings the stage back
    assert not p.blank.isVisible() and p.player.index == 0
    _key(qtbot, w, Qt.Key.Key_PageDown)
    assert p.player.index == 1
    _key(qtbot, w, Qt.Key.Key_Period)
    assert p.blank.isVisible()
    _key(qtbot, w, Qt.Key.Key_Left)
    assert not p.blank.isVisible() and p.player.index == 1
    _key(qtbot, w, Qt.Key.Key_End)
    assert p.player.index == n - 1
    _key(qtbot, w, Qt.Key.Key_Home)
    assert p.player.index == 0
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_Return):  # a number, then Enter
        _key(qtbot, w, key)
    assert p.player.index == 10 and p.stage.counter.text() == f"11 / {n}"
    _key(qtbot, w, Qt.Key.Key_N)
    assert p.stage.notes.isVisible() and p.stage.notes.text() == p.player.step.notes != ""
    _key(qtbot, w, Qt.Key.Key_N)
    assert not p.stage.notes.isVisible()
    _key(qtbot, w, Qt.Key.Key_Question)
    assert p.keys.help_box is not None and p.keys.help_box.isVisible() and "PageDown" in p.keys.help_box.text()
    _key(qtbot, w, Qt.Key.Key_Escape)  # closes the key list first, then leaves
    assert not p.keys.help_box.isVisible() and p.presenting
    _key(qtbot, w, Qt.Key.Key_Escape)
    assert not p.presenting


def test_p_plays_the_sweep_and_its_value_moves_large_on_stage(make_window, qtbot):
    w, p = _present(make_window, qtbot)
    for key in (Qt.Key.Key_3, Qt.Key.Key_Return):  # "Where n² takes over": the prompt sweep
        _key(qtbot, w, key)
    step = p.player.step
    assert step.play is not None and p.player.index == 2
    last = next(r for r in p.stage.readouts if r.isVisible() and r.label.text().startswith("last token"))
    at_rest = last.value.text()
    _key(qtbot, w, Qt.Key.Key_P)
    assert p.player.running()
    seen = set()
    qtbot.waitUntil(lambda: (seen.add(last.value.text()), len(seen) >= 3)[1], timeout=6000)
    assert last.value.font().pixelSize() >= 40  # written large while it moves
    _key(qtbot, w, Qt.Key.Key_P)  # pause: the sweep stops at its end state
    assert not p.player.running()
    w.settle()
    assert last.value.text() == at_rest


def test_speaker_view_follows_the_talk(make_window, qtbot):
    from explorer.app.present.speaker_view import elapsed_text

    w, p = _present(make_window, qtbot)
    view = p.open_speaker_view()  # a second screen opens it by itself; one screen has N instead
    tour = p.player.tour
    assert view.current.text().startswith(f"1 / {len(tour)}") and tour.steps[1].title in view.next_.text()
    _key(qtbot, w, Qt.Key.Key_PageDown)
    assert view.current.text() == f"2 / {len(tour)}  {tour.steps[1].title}"
    assert view.notes.text() == tour.steps[1].notes and tour.steps[2].title in view.next_.text()
    assert elapsed_text(0) == "00:00" and elapsed_text(125) == "02:05" and elapsed_text(3725) == "1:02:05"
    assert len(view.now.text()) == 5 and view.now.text()[2] == ":"  # the clock, HH:MM
    _key(qtbot, w, Qt.Key.Key_Escape)
    assert p.speaker is None


def test_no_control_takes_focus_from_a_wheel(make_window):
    """A real (spontaneous) wheel gives focus to a WheelFocus widget before any event filter sees it,
    and the control then takes that wheel and the next: scrolling the Model panel turned Layers
    32 → 35 under Xvfb. So no guarded control keeps Qt's WheelFocus default once shown."""
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar, QWidget

    w = make_window()
    for key in w.panels:
        w.show_panel(key)
    QApplication.processEvents()
    controls = [c for c in w.findChildren(QWidget)
                if isinstance(c, (QComboBox, QAbstractSpinBox, QAbstractSlider)) and not isinstance(c, QScrollBar)]
    assert len(controls) > 30
    wheel_focus = [c.objectName() or type(c).__name__ for c in controls
                   if c.isVisible() and c.focusPolicy() == Qt.FocusPolicy.WheelFocus]
    assert not wheel_focus, wheel_focus


def test_ctrl_z_in_a_spin_box_undoes_the_sessions_edit(make_window, qtbot):
    """Type 8 in Batch, Enter, Ctrl+Z: the batch is 1 again (the field's own keystroke history
    used to take the key and undo nothing)."""
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    box = w.panels["workload"].controls["batch"].spin
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "8")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.store.scenario.batch == 8, timeout=3000)
    w.store.flush()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    w.settle()
    assert w.store.scenario.batch == 1 and box.value() == 1
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    QTest.keySequence(box.lineEdit(), QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)[0])  # this platform's
    w.settle()
    assert w.store.scenario.batch == 8  # and redo
