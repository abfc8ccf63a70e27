"""Random partial view states through ``AppStore.set_view``, as the GUI fuzz drives File › Open:
each is applied (and then obeys every view rule) or refused with one line naming the field,
leaving the view, the scenario, the undo history and the window as they were — no exception,
no error box."""

from hypothesis import HealthCheck, given, settings

import fuzz_inputs as fz


def test_set_view(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from explorer.app.main_window import MainWindow
    from explorer.app.settings import Settings
    from explorer.core.state import view_rules
    from explorer.core.state.scenario import default_scenario

    boxes = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, **k: boxes.append(a)))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box.text()) or QMessageBox.StandardButton.Ok)
    w = MainWindow(default_scenario(), settings=Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    refusals = []
    w.store.rejected.connect(refusals.append)

    @settings(max_examples=fz.EXAMPLES or 300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.view_changes())
    def run(changes):
        before, scenario, undo, n = w.store.view, w.store.scenario, w.store.can_undo(), len(refusals)
        if w.store.set_view(**changes):
            fz.COUNTS["set_view applied"] += 1
            v = w.store.view
            assert v.tab in view_rules.TABS and v.theme in view_rules.THEMES
            assert 1 <= len(v.compared_devices) <= view_rules.MAX_COMPARED
            assert 0 <= v.highway.closed <= v.highway.lanes
            lo, hi = view_rules.FONT_SCALE
            assert lo <= v.font_scale <= hi
            assert len(refusals) == n
        else:
            fz.COUNTS["set_view refused"] += 1
            assert w.store.view is before
            assert len(refusals) == n + 1 and "\n" not in refusals[-1] and refusals[-1]
            assert w.statusBar().currentMessage() == f"Not applied: {refusals[-1]}"
        assert w.store.scenario is scenario and w.store.can_undo() == undo  # views are not undo steps
        w.store.flush()  # every view redraws: no exception may escape
        assert not boxes

    run()
    assert fz.COUNTS["set_view applied"] and fz.COUNTS["set_view refused"]
