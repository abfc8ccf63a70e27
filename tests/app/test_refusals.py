"""Refusals in the GUI: a control that cannot take a value says why and goes back; a refused
file leaves everything exactly as it was; no error box for a value the validation refuses."""

import json

from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario


def test_link_zero_with_two_devices_is_refused_by_the_control_without_a_box(qtbot, make_window, no_modal_boxes):
    w = make_window(default_scenario().with_(hardware=presets.device("h100-sxm"), devices=2))
    link = w.panels["hardware"].figure_boxes["interconnect_gbs"]
    assert link.value() == 450
    for _ in range(3):
        link.setValue(0.0)
        w.store.flush()
        qtbot.wait(1)
        assert w.store.scenario.hardware.interconnect_gbs == 450 and link.value() == 450
        assert "link" in w.statusBar().currentMessage() and "2 devices" in w.statusBar().currentMessage()
    # later edits work and still show no box
    w.panels["workload"].batch.spin.setValue(8)
    w.store.flush()
    qtbot.wait(1)
    assert w.store.scenario.batch == 8
    assert no_modal_boxes == []
    # one device needs no link: 0 is accepted then
    w.panels["hardware"].devices.setValue(1)
    link.setValue(0.0)
    w.store.flush()
    assert w.store.scenario.hardware.interconnect_gbs == 0 and no_modal_boxes == []


def test_refused_file_leaves_the_state_exactly_as_it_was(qtbot, make_window, tmp_path, no_modal_boxes):
    w = make_window()
    w.panels["workload"].batch.spin.setValue(16)
    w.store.flush()
    before, can_undo, title = w.store.scenario, w.store.can_undo(), w.windowTitle()
    d = json.loads(default_scenario().with_(batch=4).to_json())
    d["hardware"]["interconnect_gbs"] = 0
    d["devices"] = 2
    bad = tmp_path / "nolink.json"
    bad.write_text(json.dumps(d))
    assert not w.files.open_scenario(str(bad))
    w.store.flush()
    qtbot.wait(1)
    assert w.store.scenario is before and w.store.can_undo() == can_undo and w.windowTitle() == title
    assert len(no_modal_boxes) == 1
    msg = no_modal_boxes[0]
    assert "nolink.json" in msg and "link" in msg and "unchanged" in msg


def test_accepted_file_says_what_was_loaded(qtbot, make_window, tmp_path):
    w = make_window()
    good = tmp_path / "good.json"
    good.write_text(default_scenario().with_(model=presets.model("mistral-7b") if "mistral-7b" in presets.models()
                                             else presets.model("llama-3-8b")).to_json())
    assert w.files.open_scenario(str(good))
    msg = w.statusBar().currentMessage()
    assert "good.json" in msg and w.store.scenario.model.name in msg


def test_pinned_a_beside_an_edited_custom_device(qtbot, make_window, no_modal_boxes):
    # Found by benchmarks/soak.py: A's comparison bars were asked for B's "custom" device and raised.
    w = make_window()
    w.store.pin()
    w.panels["hardware"].figure_boxes["bandwidth_gbs"].setValue(2000)
    w.store.flush()
    qtbot.wait(1)
    assert w.store.scenario.hardware.id == "custom" and w.store.pinned is not None
    w.store.swap()
    w.store.flush()
    qtbot.wait(1)
    assert w.store.pinned.hardware.id == "custom" and no_modal_boxes == []
