"""AppStore: one coalesced typed signal per burst, rejected edits, undo that merges a gesture
into one entry, exact undo/redo, the unsaved flag, views that die before the store."""

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QStyleOptionSlider

from explorer.app.store import AppStore, Change
from explorer.core.state.appstate import AppState
from explorer.core.state.scenario import default_scenario


def test_burst_of_edits_emits_once(qtbot):
    store = AppStore(default_scenario())
    seen = []
    store.changed.connect(seen.append)
    for b in range(2, 40):
        store.update(batch=b)
    store.update(prompt=77)
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.wait(20)
    assert seen == [Change(scenario=frozenset({"batch", "prompt"}))]
    assert store.scenario.batch == 39 and store.scenario.prompt == 77


def test_change_says_what_changed(qtbot):
    store = AppStore(default_scenario())
    seen = []
    store.changed.connect(seen.append)
    store.pin()
    store.flush()
    store.set_view(tab="highway")
    store.flush()
    assert seen == [Change(pinned=True), Change(view=frozenset({"tab"}))]


def test_rejected_edit_leaves_scenario(qtbot):
    store = AppStore(default_scenario())
    reasons = []
    store.rejected.connect(reasons.append)
    before = store.scenario
    assert store.update(batch=0) is False
    assert store.scenario is before
    assert reasons and "batch" in reasons[0]


def test_undo_redo_restore_exact_states(qtbot):
    store = AppStore(default_scenario())
    states = [store.state]
    for change in ({"batch": 8}, {"weights": "int4"}, {"prompt": 4096}):
        store.update(**change)
        store.commit()
        states.append(store.state)
    store.pin()
    states.append(store.state)
    store.update(batch=64)
    store.commit()
    states.append(store.state)
    store.swap()
    states.append(store.state)
    for want in reversed(states[:-1]):
        store.undo()
        assert store.state == want
    assert not store.can_undo()
    for want in states[1:]:
        store.redo()
        assert store.state == want
    assert store.undo_text() == "Swap A and B"


def _slider_point(slider, value: int) -> QPoint:
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    groove = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, slider)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    x = groove.x() + handle.width() // 2 + round(span * (value - slider.minimum()) / (slider.maximum() - slider.minimum()))
    return QPoint(x, groove.center().y())


def _mouse(widget, kind, pos: QPoint, buttons) -> None:
    ev = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), Qt.MouseButton.LeftButton,
                     buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)


def drag(slider, start: int, end: int, steps: int = 40) -> None:
    """Press the handle, move it in ``steps`` mouse moves, release: what a hand does."""
    held = Qt.MouseButton.LeftButton
    _mouse(slider, QEvent.Type.MouseButtonPress, _slider_point(slider, start), held)
    for i in range(1, steps + 1):
        _mouse(slider, QEvent.Type.MouseMove, _slider_point(slider, start + (end - start) * i // steps), held)
        QApplication.processEvents()  # the event loop turns between mouse moves
    _mouse(slider, QEvent.Type.MouseButtonRelease, _slider_point(slider, end), Qt.MouseButton.NoButton)


def test_a_slider_drag_is_one_undo_entry(qtbot, make_window):
    w = make_window()
    slider = w.panels["workload"].batch.slider
    seen = set()
    w.store.changed.connect(lambda _c: seen.add(w.store.scenario.batch))
    drag(slider, 0, 700)
    w.settle()
    after = w.store.scenario.batch
    assert after > 100 and len(seen) > 10  # live previews while dragging
    assert w.store.undo_stack.count() == 1  # 40 moves, one entry
    assert w.store.undo_stack.text(0) == f"Batch 1 → {after:,}"
    assert w.undo_action.text() == f"&Undo Batch 1 → {after:,}"
    w.undo_action.trigger()
    w.settle()
    assert w.store.scenario.batch == 1 and w.panels["workload"].batch.value() == 1
    drag(slider, 0, 300)
    drag(slider, 300, 500)  # two drags: two entries
    assert w.store.undo_stack.count() == 2


def test_a_held_key_is_one_undo_entry(qtbot, make_window):
    w = make_window()
    spin = w.panels["workload"].batch.spin
    spin.setFocus()
    none = Qt.KeyboardModifier.NoModifier
    for i in range(12):  # auto-repeat: the first press is not a repeat, the rest are (with releases)
        if i:
            QApplication.sendEvent(spin, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Up, none, "", True))
        QApplication.sendEvent(spin, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Up, none, "", i > 0))
    QApplication.sendEvent(spin, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Up, none, "", False))
    w.settle()
    assert w.store.scenario.batch > 1
    assert w.store.undo_stack.count() == 1
    assert w.store.undo_stack.text(0) == f"Batch 1 → {w.store.scenario.batch:,}"


def test_a_view_destroyed_while_the_store_lives(qtbot):
    from explorer.app.highway.view import HighwayView
    from explorer.app.plots.memory_plot import MemoryPlot

    store = AppStore(default_scenario())
    views = [HighwayView(store), MemoryPlot(store)]
    for v in views:
        v.show()
        v.deleteLater()
    qtbot.wait(10)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    store.update(batch=4)
    store.pin()
    store.flush()  # would raise "Internal C++ object already deleted" with lambda connections
    assert store.scenario.batch == 4


def test_dirty_flag_title_and_close_question(qtbot, make_window, monkeypatch, tmp_path):
    w = make_window()
    assert not w.store.is_dirty() and not w.windowTitle().startswith("•")
    w.panels["workload"].batch.spin.setValue(16)
    w.settle()
    assert w.store.is_dirty() and w.windowTitle().startswith("• ")
    answers = []

    def answer(choice):
        def ask():
            answers.append(choice)
            return choice
        monkeypatch.setattr(w, "ask_unsaved", ask)

    answer(QMessageBox.StandardButton.Cancel)
    assert not w.close() and w.isVisible() and answers == [QMessageBox.StandardButton.Cancel]
    path = tmp_path / "session.json"
    monkeypatch.setattr(w.files, "ask_path", lambda *a: str(path))
    answer(QMessageBox.StandardButton.Save)
    assert w.close()
    assert AppState.from_json(path.read_text()).scenario.batch == 16
    assert not w.store.is_dirty()


def test_undo_back_to_saved_is_clean(qtbot, make_window, tmp_path):
    w = make_window()
    w.files.save_scenario(str(tmp_path / "s.json"))
    w.store.update(batch=3)
    w.store.commit()
    assert w.store.is_dirty()
    w.store.undo()
    assert not w.store.is_dirty()


def test_theme_swap_restyles_every_plot(qtbot, make_window):
    from explorer.app.theme import PRESENTER

    w = make_window()
    pen = w.plots["memory"].curve("traffic").opts["pen"]
    assert pen.widthF() == 2.0
    w.store.set_view(theme="presenter")
    w.settle()
    for plot in w.plots.values():
        for key, item, _u in plot.series():
            assert item.opts["pen"].widthF() == pytest.approx(
                item.style_key[1] * PRESENTER.line_scale) or item.style_key[3]  # dots keep their size
    assert w.plots["memory"].curve("traffic").opts["pen"].widthF() == pytest.approx(2.0 * PRESENTER.line_scale)
    axis_font = w.plots["roofline"].plot.getPlotItem().getAxis("left").style["tickFont"]
    assert axis_font.pointSizeF() == pytest.approx(PRESENTER.pt(8))
    w.store.set_view(theme="light")
    w.settle()
    assert w.plots["memory"].curve("traffic").opts["pen"].widthF() == 2.0
