"""Nothing the user repeats grows without bound (benchmarks/soak.py measures the same over 10,000
interactions): tour players, highlight frames, the undo history."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


def live(w, name: str) -> int:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return sum(type(o).__name__ == name for o in w.findChildren(QObject))


def test_opening_tours_again_and_again_keeps_one_player(qtbot, make_window):
    w = make_window()
    for _ in range(6):
        assert w.presenter.open_essay_tour()
        w.presenter.next()
        w.settle()
    assert live(w, "TourPlayer") == 1
    w.presenter.close_tour()
    assert live(w, "TourPlayer") == 0 and live(w, "Highlight") == 0


def test_undo_history_is_capped(qtbot, make_window):
    from explorer.app.store import HISTORY_LIMIT

    w = make_window()
    for b in range(1, HISTORY_LIMIT + 60):
        w.store.update(batch=b)
        w.store.commit()
    assert w.store.undo_stack.count() <= HISTORY_LIMIT
