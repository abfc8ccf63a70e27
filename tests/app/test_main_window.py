"""The main window driven the way a user drives it; plot data checked against explorer.core."""

import json
from dataclasses import fields

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.core.specs import presets
from explorer.core.engine import series
from explorer.core.state.appstate import AppState
from explorer.core.engine.estimate import estimate
from explorer.core.state.scenario import LIMITS, Scenario, default_scenario


def settle(qtbot, w):
    w.settle()
    qtbot.wait(1)


def curve(w, plot, key):
    return w.plots[plot].curve(key).getOriginalDataset()


def test_typing_a_prompt_length_moves_memory_and_compute_plots(qtbot, make_window):
    w = make_window()
    spin = w.panels["workload"].prompt.spin
    spin.selectAll()
    qtbot.keyClicks(spin, "8192")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    settle(qtbot, w)
    assert w.store.scenario.prompt == 8192
    want = series.memory_traffic(w.store.scenario)
    x, y = curve(w, "memory", "total")
    np.testing.assert_allclose(x, want.t)
    np.testing.assert_allclose(y, (want.weights + want.kv) / 2**30)  # GiB
    assert w.plots["compute"].marker.value() == pytest.approx(np.log10(8192 + 256))  # log x axis


def test_batch_slider_moves_the_decode_point(qtbot, make_window):
    w = make_window()
    before = curve(w, "roofline", "decode")
    w.panels["workload"].batch.slider.setValue(600)  # a user drag, ends somewhere mid-range
    settle(qtbot, w)
    s = w.store.scenario
    assert s.batch > 1
    r = series.roofline(s)
    x, y = curve(w, "roofline", "decode")
    assert x[0] == pytest.approx(r.decode_point[0]) and y[0] == pytest.approx(r.decode_point[1])
    assert x[0] > before[0][0]  # a bigger batch reuses each weight byte more


def test_weight_format_changes_weights_curve(qtbot, make_window):
    w = make_window()
    box = w.panels["precision"].controls["weights"]
    box.setCurrentIndex(box.findData("int4"))
    settle(qtbot, w)
    assert w.store.scenario.weights == "int4"
    _, y = curve(w, "memory", "weights")
    assert y[0] == pytest.approx(estimate(w.store.scenario).weight_bytes / 2**30)  # GiB
    m = default_scenario().model
    edge = m.embedding_params + m.lm_head_params  # INT4 checkpoints keep these in FP16
    assert y[0] * 2**30 == pytest.approx((m.params_total - edge) * 0.5 + edge * 2)


def test_hardware_preset_and_figure_edit(qtbot, make_window):
    w = make_window()
    panel = w.panels["hardware"]
    panel.preset.setCurrentIndex(panel.preset.findData("h100-sxm"))
    settle(qtbot, w)
    assert w.store.scenario.hardware.id == "h100-sxm"
    bw = panel.figure_boxes["bandwidth_gbs"]
    bw.selectAll()
    qtbot.keyClicks(bw, "1000")
    qtbot.keyClick(bw, Qt.Key.Key_Return)
    settle(qtbot, w)
    hw = w.store.scenario.hardware
    assert hw.id == "custom" and hw.bandwidth_gbs == 1000 and "H100" in hw.name
    assert panel.preset.currentText().startswith("Custom (from")
    want = estimate(w.store.scenario)
    assert w.readouts.estimate.tpot_s == pytest.approx(want.tpot_s)


def test_model_edit_becomes_custom_and_updates_curves(qtbot, make_window):
    w = make_window()
    layers = w.panels["model"].boxes["layers"]
    layers.selectAll()
    qtbot.keyClicks(layers, "64")
    qtbot.keyClick(layers, Qt.Key.Key_Return)
    settle(qtbot, w)
    m = w.store.scenario.model
    assert m.layers == 64 and m.id == "custom"
    x, y = curve(w, "compute", "relationships_forward")
    np.testing.assert_allclose(y, series.compute_growth(w.store.scenario, x)["curves"]["relationships_forward"])


def test_invalid_model_edit_is_refused_with_a_message(qtbot, make_window):
    w = make_window()
    kv = w.panels["model"].boxes["kv_heads"]
    kv.setValue(5)  # 5 does not divide 32 query heads
    settle(qtbot, w)
    assert w.store.scenario.model.kv_heads == 32
    assert "kv_heads" in w.panels["model"].error.text()
    assert kv.value() == 32  # the control goes back to what the model keeps


def test_refused_by_the_device_split_puts_the_control_back(qtbot, make_window):
    # Llama-2-13B (40 heads) over 8 devices: 20 KV heads divide 40 but neither divide nor are a
    # divisor of 8 devices, so the scenario refuses them; 8 KV heads are fine.
    w = make_window(default_scenario().with_(model=presets.model("llama-2-13b"),
                                             hardware=presets.device("h100-sxm"), devices=8))
    kv = w.panels["model"].boxes["kv_heads"]
    kv.setValue(8)
    settle(qtbot, w)
    assert w.store.scenario.model.kv_heads == 8
    kv.setValue(20)
    settle(qtbot, w)
    assert w.store.scenario.model.kv_heads == 8 and kv.value() == 8


def test_head_dim_shows_the_value_in_use_marked_derived(qtbot, make_window):
    w = make_window()
    box = w.panels["model"].boxes["head_dim"]
    assert box.value() == 4096 // 32 and "derived" in box.suffix()  # Llama-2-7B: 128
    w.store.update(model=presets.model("gemma-2-9b"))
    settle(qtbot, w)
    assert box.value() == 256 and "derived" not in box.suffix()  # Gemma 2 sets it: 3584/16 = 224 ≠ 256


def test_kv_cache_checkbox(qtbot, make_window):
    w = make_window()
    before = w.readouts.estimate.tpot_s
    w.panels["workload"].kv_cache.click()
    settle(qtbot, w)
    assert w.store.scenario.kv_cache is False
    assert w.readouts.estimate.tpot_s > 5 * before


def _different(field, s: Scenario):
    return {
        "model": presets.model("mixtral-8x7b"), "hardware": presets.device("m2-ultra"),
        "weights": "q4_0", "kv": "fp8-e4m3", "compute": "bf16", "devices": 2, "parallel": "pipeline",
        "batch": 16, "prompt": 300, "generate": 40, "kv_cache": False, "eta_compute": 0.55,
        "eta_memory": 0.6, "price_per_hour": 2.5, "runtime": "ideal",
        "load_kind": "rate", "load": 16.0, "burstiness": 2.5, "think_s": 1.5, "lengths": "lognormal",
        "length_spread": 0.5, "slo_ttft_ms": 500.0, "slo_tpot_ms": 40.0, "slo_percentile": 99,
    }[field]


def _control_value(ctrl):
    for getter in ("currentData", "isChecked", "value"):
        if hasattr(ctrl, getter):
            return getattr(ctrl, getter)()


@pytest.mark.parametrize("field", [f.name for f in fields(Scenario)])
def test_every_field_has_a_control_that_round_trips(qtbot, make_window, field):
    w = make_window()
    owners = [p for p in w.panels.values() if field in p.controls]
    assert len(owners) == 1, f"{field} needs exactly one control"
    ctrl = owners[0].controls[field]
    new = _different(field, w.store.scenario)
    w.store.update(**{field: new})  # model -> widget
    settle(qtbot, w)
    shown = _control_value(ctrl)
    expect = new.id if field in ("model", "hardware") else new
    assert shown == pytest.approx(expect) if isinstance(expect, float) else shown == expect
    w.store.set_scenario(default_scenario())  # widget -> model: re-apply the shown value
    settle(qtbot, w)
    if hasattr(ctrl, "spin"):  # slider + exact box: type into the box
        ctrl.spin.setValue(expect)
    elif hasattr(ctrl, "setCurrentIndex"):
        ctrl.setCurrentIndex(ctrl.findData(expect))
    elif isinstance(expect, bool):
        ctrl.setChecked(expect)
    else:
        ctrl.setValue(expect)
    settle(qtbot, w)
    got = getattr(w.store.scenario, field)
    got = got.id if field in ("model", "hardware") else got
    assert got == pytest.approx(expect) if isinstance(expect, float) else got == expect


def _all_plot_data(w):
    for plot in w.plots.values():
        for key, item, _u in plot.series():
            yield plot.objectName(), key, item.getOriginalDataset()


@pytest.mark.parametrize("changes", [
    {"prompt": int(LIMITS["prompt"][1]), "generate": int(LIMITS["generate"][1])},
    {"prompt": 0, "generate": 1, "batch": int(LIMITS["batch"][1])},
    {"model": presets.model("llama-3.1-405b"), "devices": 128},  # the most its 128 heads allow
    {"model": presets.model("gemma-2-9b"), "weights": "q4_k_m", "kv": "q4_0", "compute": "int4"},
    {"model": presets.model("gpt-2-124m"), "hardware": presets.device("m1"), "kv_cache": False, "prompt": 1},
])
def test_plots_never_receive_nan_or_inf(qtbot, make_window, changes):
    w = make_window()
    items_before = {p: len(v.plot.getPlotItem().items) for p, v in w.plots.items()}
    curves_before = {(p.objectName(), k): id(i) for p in w.plots.values() for k, i, _ in p.series()}
    assert w.store.update(**changes)
    settle(qtbot, w)
    for name, key, (x, y) in _all_plot_data(w):
        if x is None:
            continue
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(y)), (name, key)
    # Created once, updated with setData: the same items, no new ones.
    assert {(p.objectName(), k): id(i) for p in w.plots.values() for k, i, _ in p.series()} == curves_before
    assert {p: len(v.plot.getPlotItem().items) for p, v in w.plots.items()} == items_before


def test_growth_plot_shows_both_slopes_and_marks_context_and_crossover(qtbot, make_window):
    w = make_window()
    p = w.plots["compute"]
    text = p.legend.text().replace("&nbsp;", " ")
    # Llama-2-7B: generation with a KV cache ~n¹ inside 4,096 tokens, ~n² far past n*.
    assert "generate n, KV cache (1.0 → 2.0)" in text
    assert "generate n, no cache (2.0 → 3.0)" in text
    assert p.context_line.value() == pytest.approx(np.log10(4096))
    assert p.crossover_line.value() == pytest.approx(np.log10(6_476_005_376 / 131_072))
    assert "context 4,096" in p.context_line.label.format and "n* ≈ 49,408" in p.crossover_line.label.format
    assert "not exponential" in text and "in context → far past n*" in text and "49,408" in text
    assert "~n^1.0 with a KV cache" in p.legend.toolTip()


def test_compare_plot_marks_devices_that_cannot_hold_the_model(qtbot, make_window):
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b")))
    labels = {r.device_id: r.label for r in w.plots["compare"].results}
    assert labels["rtx-4090"] == "does not fit"
    assert labels["m2-ultra"] == "memory-bound"  # 138 GB of FP16 weights fit in 192 GB unified memory


def test_window_renders_something(qtbot, make_window):
    w = make_window()
    img = w.grab().toImage()
    assert img.width() >= 1280 - 1 and img.height() >= 700
    sample = {img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 29)}
    assert len(sample) > 20  # not a blank window


def test_open_scenario_file_and_bad_file(qtbot, make_window, tmp_path, no_modal_boxes):
    w = make_window()
    good = tmp_path / "good.json"
    good.write_text(default_scenario().with_(batch=7, weights="q8_0").to_json())
    assert w.files.open_scenario(str(good))
    settle(qtbot, w)
    assert w.store.scenario.batch == 7 and w.panels["workload"].batch.value() == 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "model": "nope", "hardware": "rtx-4090"}))
    before = w.store.scenario
    assert not w.files.open_scenario(str(bad))
    assert w.store.scenario == before and no_modal_boxes and "nope" in no_modal_boxes[-1]
    out = tmp_path / "saved.json"
    assert w.files.save_scenario(str(out))
    assert AppState.from_json(out.read_text()).scenario == before


def test_undo_shortcut(qtbot, make_window):
    w = make_window()
    w.panels["workload"].batch.spin.setValue(32)
    settle(qtbot, w)
    w.undo_action.trigger()
    settle(qtbot, w)
    assert w.store.scenario.batch == 1 and w.panels["workload"].batch.value() == 1


def test_refused_device_count_puts_the_control_back(qtbot, make_window):
    w = make_window()
    spin = w.panels["hardware"].devices
    spin.setValue(3)  # Llama-2-7B's 32 heads cannot be split 3 ways
    w.store.flush()
    assert w.store.scenario.devices == 1
    assert spin.value() == 1
    assert "divide" in w.statusBar().currentMessage()


def test_pi_ladder_marks_the_formats_in_use(qtbot, make_window):
    w = make_window()
    panel = w.panels["precision"]
    box = panel.controls["weights"]
    box.setCurrentIndex(box.findData("int4"))
    w.store.flush()
    text = panel.pi.text()
    # IEEE binary16 stores π as 3.140625; INT4 with a block scale of 4/7 stores 20/7 (≈2.857).
    assert "3.140625" in text and f"{20 / 7:.10g}" in text
    assert "<b>INT4</b>" in text and "W</td>" in text


def test_a_scenario_that_does_not_fit_says_what_is_missing_and_mutes_speeds(qtbot, make_window):
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b")))
    r = w.readouts
    # Llama-2-70B FP16: 68.98e9 params × 2 B = 128 GiB of weights on a 24 GiB card.
    assert r.values["fit"].text().startswith("needs 1") and "of 21.6 GiB" in r.values["fit"].text()
    assert "would fit" in r.sentence.text() and "if it fit" in r.sentence.text()
    for key in ("ttft", "tpot", "tps", "energy"):
        assert r.values[key].colour().name().upper() == r.theme.muted.upper()  # muted: as if it fit
    w.store.update(model=presets.model("llama-2-7b"))
    w.settle()
    assert r.values["tps"].colour() is None and r.values["fit"].text().startswith("fits")


def test_context_past_the_trained_length_is_warned_and_kv_switch_removes_kv(qtbot, make_window):
    w = make_window()
    w.store.update(prompt=5000)
    w.settle()
    assert "trained context of 4,096" in w.readouts.sentence.text()
    w.store.update(prompt=1024, kv_cache=False)
    w.settle()
    assert "trained context" not in w.readouts.sentence.text()
    assert w.readouts.values["fit"].text() == "fits · no KV cache"
    x, total = curve(w, "memory", "total")
    _, weights = curve(w, "memory", "weights")
    np.testing.assert_allclose(total, weights)  # no KV band left in the memory plot


def test_file_import_model_config_reads_a_hugging_face_config(qtbot, make_window, tmp_path):
    w = make_window()
    f = tmp_path / "config.json"
    f.write_text(json.dumps({"model_type": "gemma2", "hidden_size": 3584, "intermediate_size": 14336,
                             "num_attention_heads": 16, "num_hidden_layers": 42, "num_key_value_heads": 8,
                             "head_dim": 256, "max_position_embeddings": 8192, "vocab_size": 256000,
                             "sliding_window": 4096}))
    from PySide6.QtGui import QAction
    assert any(a.text() == "&Import model config…" for a in w.findChildren(QAction))
    assert w.files.import_model(str(f))
    w.settle()
    m = w.store.scenario.model
    assert m.params_total == pytest.approx(9.24e9, rel=0.01) and m.hd == 256  # Gemma 2 9B's card
    w.store.undo()
    w.settle()
    assert w.store.scenario.model.id == "llama-2-7b"


def test_precision_panel_gives_the_fp32_factor_of_the_device_beside_the_quadruples_claim(qtbot, make_window):
    w = make_window(default_scenario().with_(hardware=presets.device("h100-sxm")))
    text = w.panels["precision"].silicon.text()
    # H100 SXM data sheet: 989.4 dense FP16/BF16 tensor TFLOPS vs 66.9 FP32: 14.8×.
    assert "quadruples" in text and "not true" in text and "14.8× slower" in text and "4.8×" in text
    w.store.update(hardware=presets.device("m2-ultra"))
    w.settle()
    assert "1× slower" in w.panels["precision"].silicon.text()  # Apple GPUs: FP16 = FP32 rate
    pi = w.panels["precision"].pi.text()
    assert "GGUF Q4_0" in pi and ">3<" in pi.replace("<tt>", "").replace("</tt>", "").replace(" ", "")
