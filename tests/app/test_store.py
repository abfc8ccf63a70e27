"""ScenarioStore: one coalesced signal per burst, rejected edits, undo/redo."""

from explorer.app.store import ScenarioStore
from explorer.core.scenario import default_scenario


def test_burst_of_edits_emits_once(qtbot):
    store = ScenarioStore(default_scenario())
    seen = []
    store.changed.connect(seen.append)
    for b in range(2, 40):
        store.update(batch=b)
    store.update(prompt=77)
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.wait(20)
    assert seen == [frozenset({"batch", "prompt"})]
    assert store.scenario.batch == 39 and store.scenario.prompt == 77


def test_rejected_edit_leaves_scenario(qtbot):
    store = ScenarioStore(default_scenario())
    reasons = []
    store.rejected.connect(reasons.append)
    before = store.scenario
    assert store.update(batch=0) is False
    assert store.scenario is before
    assert reasons and "batch" in reasons[0]


def test_undo_redo(qtbot):
    store = ScenarioStore(default_scenario())
    store.update(batch=8)
    store.update(weights="int4")
    store.undo()
    assert store.scenario.weights == "fp16" and store.scenario.batch == 8
    store.undo()
    assert store.scenario.batch == 1
    store.redo()
    assert store.scenario.batch == 8
    assert store.can_redo()
