"""Behaviours a review broke one line at a time without a test failing, driven as a user does and
checked against expectations written here (the tour file's own text, hand-written words and
counts), never against the function under test: a tour step's pinned A and its log axes, the
weights → KV/compute rule in the Precision panel, the A/B figure caption, the recent-files cap."""

import tomllib

from explorer import resources
from explorer.core.specs import presets

TOUR_WITH_LOG = """\
[tour]
title = "log axes"
version = 1

[start]
model = "llama-2-7b"
hardware = "rtx-4090"

[[step]]
title = "linear"
caption = "compute on linear axes, memory on log"
view = { log = { compute = false, memory = true } }

[[step]]
title = "defaults"
caption = "what the plots start with"
"""


def test_every_tour_step_with_a_pin_shows_that_pin_as_a(qtbot, make_window):
    raw = tomllib.loads(resources.essay_tour().read_text())["step"]
    w = make_window()
    p = w.presenter
    assert p.open_essay_tour()
    pinned_steps = [i for i, step in enumerate(raw) if "pin" in step]
    assert len(pinned_steps) >= 4
    for i in range(len(raw)):
        p.player.go(i)
        p.player.finish()
        w.settle()
        a = w.store.pinned
        if i not in pinned_steps:
            assert a is None, f"step {i + 1} names no pin"
            continue
        assert a is not None, f"step {i + 1} lost its pinned A"
        for field, value in raw[i]["pin"].items():  # the pin's own words in the file
            got = getattr(a, field)
            assert (got.id if field in ("model", "hardware") else got) == value, (i + 1, field)
        assert a != w.store.scenario  # A differs from B: the step compares something
        assert "<b>A</b>" in w.compare_note.text()  # the window says a pin is set


def test_a_steps_log_axes_are_the_plots_axes(qtbot, make_window, tmp_path):
    path = tmp_path / "log.toml"
    path.write_text(TOUR_WITH_LOG)
    w = make_window()
    p = w.presenter
    assert p.open_tour(path=str(path))
    p.player.finish()
    w.settle()
    compute, memory = w.plots["compute"], w.plots["memory"]
    assert not compute.log_box.isChecked() and not compute.plot.getPlotItem().getAxis("left").logMode
    assert memory.log_box.isChecked() and memory.plot.getPlotItem().getAxis("left").logMode
    p.next()
    p.player.finish()
    w.settle()
    # A step that names no log axes shows each plot's default: compute log-log, memory linear.
    assert compute.log_box.isChecked() and compute.plot.getPlotItem().getAxis("left").logMode
    assert not memory.log_box.isChecked() and not memory.plot.getPlotItem().getAxis("left").logMode


def _pick(w, role, fmt):
    box = w.panels["precision"].controls[role]
    box.setCurrentIndex(box.findData(fmt))
    w.settle()


def test_kv_and_compute_follow_the_weights_unless_chosen_on_purpose(qtbot, make_window):
    w = make_window()
    s = lambda: (w.store.scenario.weights, w.store.scenario.kv, w.store.scenario.compute)  # noqa: E731
    assert s() == ("fp16", "fp16", "fp16")
    _pick(w, "weights", "int4")  # integer weights are dequantized to FP16: cache and math stay FP16
    assert s() == ("int4", "fp16", "fp16")
    _pick(w, "weights", "bf16")  # a float checkpoint runs in its own format, cache included
    assert s() == ("bf16", "bf16", "bf16")
    _pick(w, "weights", "fp32")
    assert s() == ("fp32", "fp32", "fp32")
    _pick(w, "weights", "fp16")
    assert s() == ("fp16", "fp16", "fp16")
    _pick(w, "kv", "fp8-e4m3")  # a cache format chosen on purpose is kept when the weights change
    _pick(w, "weights", "int8")
    assert s() == ("int8", "fp8-e4m3", "fp16")
    box = w.panels["precision"].controls
    assert (box["kv"].currentData(), box["compute"].currentData()) == ("fp8-e4m3", "fp16")


def test_a_figure_caption_says_what_a_differs_in(qtbot, make_window):
    w = make_window()
    w.store.pin()  # A: FP16
    _pick(w, "weights", "int4")  # B: INT4
    w.store.update(batch=8)
    caption = w.slides.caption()
    int4, fp16 = presets.number_format("int4").name, presets.number_format("fp16").name
    assert f"weights {int4}" in caption and "batch 8" in caption  # B, drawn solid
    assert caption.endswith(f" · dashed: {fp16}, batch 1"), caption  # A, drawn dashed
    w.store.clear_pin()
    assert "dashed" not in w.slides.caption()


def test_open_recent_lists_the_last_ten_newest_first(qtbot, make_window, tmp_path):
    w = make_window()
    paths = []
    for i in range(13):
        path = tmp_path / f"s{i:02d}.json"
        assert w.files.save_scenario(str(path))  # saving adds to Open Recent as opening does
        paths.append(path)
    w.session.fill_recent_menu(w.recent_menu)
    names = [a.text().split(" ", 1)[1] for a in w.recent_menu.actions()]
    assert names == [f"s{i:02d}.json" for i in range(12, 2, -1)]  # README: "lists the last ten"
