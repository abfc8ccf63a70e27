"""Generated scenario files through File › Open: each is either loaded (and says what it loaded)
or refused, leaving the scenario, the undo history and the window exactly as they were."""

from hypothesis import HealthCheck, given, settings

import fuzz_inputs as fz


def test_file_open(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from explorer.app.main_window import MainWindow
    from explorer.app.settings import Settings
    from explorer.core.state.scenario import default_scenario

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    w = MainWindow(default_scenario(), settings=Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    path = tmp_path / "opened.json"

    @settings(max_examples=fz.EXAMPLES or 300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.scenario_files())
    def run(data):
        path.write_bytes(data)
        before, undo, boxes = w.store.scenario, w.store.can_undo(), len(shown)
        if w.files.open_scenario(str(path)):
            fz.COUNTS["GUI opens loaded"] += 1
            assert "opened.json" in w.statusBar().currentMessage() and len(shown) == boxes
        else:
            fz.COUNTS["GUI opens refused"] += 1
            assert w.store.scenario is before and w.store.can_undo() == undo
            assert len(shown) == boxes + 1 and "opened.json" in shown[-1] and "unchanged" in shown[-1]
        w.store.flush()  # every plot and readout redraws the loaded scenario: no exception may escape

    run()
    assert fz.COUNTS["GUI opens loaded"] and fz.COUNTS["GUI opens refused"]
