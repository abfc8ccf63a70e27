"""Plot controls as a user meets them: the log toggles, the hover readout, labels that must be seen."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from explorer.core.specs import presets
from explorer.app.plots.hover import to_scene
from explorer.core.state.scenario import default_scenario


def _axis(card, side):
    return card.plot.getPlotItem().getAxis(side)


def _click(qtbot, w, box):
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    w.settle()


def test_compute_log_toggle_off_and_on_restores_token_decades(qtbot, make_window):
    w = make_window()
    card = w.plots["compute"]
    assert card.log_box.text() == "log y"  # x stays logarithmic: only y changes
    for expect in (False, True):
        _click(qtbot, w, card.log_box)
        assert card.log_box.isChecked() is expect and card.log_y is expect
    x = _axis(card, "bottom")
    assert x.logMode and x.labelUnits == "tokens" and x.labelUnitPrefix == "" and x.autoSIPrefixScale == 1.0
    lo, hi = card.plot.getPlotItem().vb.viewRange()[0]
    assert lo <= 0.5 and hi >= 6  # 1 … 10⁶ tokens (and beyond), in decades
    major = x.tickValues(lo, hi, 400)[0][1]
    assert len(major) >= 3 and all(v == int(v) for v in major)  # whole decades, not 10⁻⁵ … 0.1


def test_memory_log_toggle_labels_gib_without_prefixes(qtbot, make_window):
    w = make_window()
    card = w.plots["memory"]
    y = _axis(card, "left")
    assert y.labelUnits == "GiB" and y.labelUnitPrefix == ""
    _click(qtbot, w, card.log_box)  # on: no overflow warning (warnings fail the test)
    assert card.log_y and y.logMode and y.labelUnits == "GiB" and y.labelUnitPrefix == ""
    lo, hi = card.plot.getPlotItem().vb.viewRange()[1]
    assert hi - lo <= 6  # a few decades of GiB, not a pile of byte ticks
    _, weights = card.curve("weights").getOriginalDataset()
    assert weights[0] == pytest.approx(6_738_415_616 * 2 / 2**30)  # Llama-2-7B FP16: 12.55 GiB
    _click(qtbot, w, card.log_box)
    assert not card.log_y and not y.logMode and y.labelUnitPrefix == ""


def test_hover_readout_leaves_with_the_mouse(qtbot, make_window):
    w = make_window()
    card = w.plots["compute"]
    w.settle()
    card.plot.grab()  # lays the plot out and paints it: the view transform is current
    item = card.curve("flops_linear")
    xd, yd = item.getData()
    sx, sy = to_scene(card.plot.getPlotItem().vb, xd, yd)
    i = len(sx) // 2
    card.hover.hover((QPointF(sx[i], sy[i]),))
    assert card.readout.isVisible() and "prefill: weights" in card.readout.text()
    QApplication.sendEvent(card.plot.viewport(), QEvent(QEvent.Type.Leave))
    assert not card.readout.isVisible()


def test_does_not_fit_at_all_marker_has_a_visible_label(qtbot, make_window):
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b")))
    card = w.plots["memory"]
    line = card.limit
    assert line.isVisible() and line.label.format.startswith("does not fit at all")
    vb = card.plot.getPlotItem().vb
    label = line.label.mapRectToItem(vb, line.label.boundingRect())
    assert vb.boundingRect().contains(label.topLeft()) and label.right() <= vb.boundingRect().right() + 1


@pytest.mark.parametrize("size", [(1024, 738), (1280, 720), (1920, 1080)])
def test_memory_heading_fits_its_card(qtbot, make_window, size):
    w = make_window(size=size)
    for card in w.plots.values():
        pane = card.heading
        text = pane.text().replace("<b>", "").replace("</b>", "")
        bold = pane.font()
        bold.setBold(True)
        assert QFontMetrics(bold).horizontalAdvance(text) <= pane.width(), (card.key, text, pane.width())
    assert "GiB" in w.plots["memory"].heading.text()


@pytest.mark.parametrize("batch", [1, 64, 4096])
def test_decode_label_is_not_on_the_roof_line(qtbot, make_window, batch):
    w = make_window(default_scenario().with_(batch=batch, prompt=128, generate=64))
    card = w.plots["roofline"]
    card.plot.grab()
    vb = card.plot.getPlotItem().vb
    # The label ignores view transforms: its box is in pixels around its scene position.
    label = card.decode_label.boundingRect().translated(card.decode_label.scenePos())
    for roof in ("effective", "peak"):  # neither the achievable nor the data-sheet roof
        x, y = card.curve(roof).getData()
        sx, sy = to_scene(vb, x, y)
        # The roof between samples is a straight line: sample it densely across the label.
        xs = np.linspace(label.left(), label.right(), 200)
        ys = np.interp(xs, sx, sy)
        assert not np.any((ys >= label.top()) & (ys <= label.bottom())), (batch, roof, label)


def test_comparison_devices_are_chosen_by_the_user_and_kept_in_the_session(qtbot, make_window):
    from explorer.core.state.appstate import AppState
    w = make_window()
    card = w.plots["compare"]
    card.device_menu.aboutToShow.emit()  # what opening the menu does
    action = next(a for a in card.device_menu.actions() if a.data() == "b200")
    assert not action.isChecked()
    action.trigger()  # what a click on the menu entry does
    w.settle()
    assert "b200" in w.store.view.compared_devices
    assert "B200" in [name for _i, name in card.ticks]
    saved = AppState.from_dict(w.store.state.to_dict())
    assert "b200" in saved.view.compared_devices  # saved with the session
    for did in list(w.store.view.compared_devices):  # the last one cannot be removed
        card.set_compared(did, False)
    assert len(w.store.view.compared_devices) == 1


def test_comparison_shows_the_device_count_and_two_digits_below_ten(qtbot, make_window):
    # Llama-2-70B FP16 split over 2 devices: an M2 Ultra pair decodes well under 10 tokens/s.
    w = make_window(default_scenario().with_(model=presets.model("llama-2-70b"), devices=2))
    card = w.plots["compare"]
    assert all(name.startswith("2× ") for _i, name in card.ticks)
    slow = [(r, lab) for r, lab in zip(card.results, card.labels) if r.fits and r.decode_tokens_per_s < 10]
    assert slow
    for r, label in slow:
        first = label.text().split(" tok/s")[0]
        assert first == f"{r.decode_tokens_per_s:#.2g}"  # two significant digits: "7.0", "0.75", not "7"


@pytest.mark.parametrize("weights, batch", [("fp16", 1), ("q4_0", 8), ("q4_0", 16), ("fp16", 32)])
def test_decode_label_and_ridge_label_do_not_overlap(qtbot, make_window, weights, batch):
    # q4_0 at batch 8 on an RTX 4090 puts the decode point a decade left of the ridge (the A/B example)
    hw = "h100-sxm" if batch == 1 else "rtx-4090"
    w = make_window(default_scenario().with_(hardware=presets.device(hw), weights=weights, batch=batch))
    card = w.plots["roofline"]
    card.plot.grab()
    decode = card.decode_label.boundingRect().translated(card.decode_label.scenePos())
    ridge = card.ridge.label.sceneBoundingRect()
    assert not decode.intersects(ridge), (decode, ridge)
