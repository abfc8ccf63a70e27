"""Text from a file (a model's name or source, a device's name, a tour's titles) is shown as
text: an <img> tag in a name is never rendered, in the A/B toolbar note or any label."""

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def markup(tmp_path) -> str:
    img = tmp_path / "x.png"
    QImage(8, 8, QImage.Format.Format_RGB32).save(str(img))
    return f'<img src="{img}"><b>Evil</b>'


def test_ab_note_shows_a_model_name_with_markup_as_text(make_window, tmp_path):
    name = markup(tmp_path)
    w = make_window()
    w.pin_action.trigger()
    w.store.set_scenario(w.store.scenario.with_(model=dataclasses.replace(presets.model("llama-2-13b"), name=name)))
    w.settle()
    doc = w.compare_note._doc
    assert name in doc.toPlainText()  # the tag is visible as characters
    assert "<img" not in doc.toHtml().replace("&lt;img", "")  # and nothing was turned into an image


def test_model_source_and_device_names_are_text(make_window, tmp_path):
    name = markup(tmp_path)
    model = dataclasses.replace(presets.model("llama-2-7b"), source=name)
    hw = dataclasses.replace(presets.device("rtx-4090"), name=name, source=name)
    w = make_window(Scenario(model=model, hardware=hw))
    w.settle()
    summary = w.panels["model"].summary
    assert "&lt;img" in summary.text() and "<img" not in summary.text()
    source = w.panels["hardware"].source
    assert source.textFormat() == Qt.TextFormat.PlainText and name in source.text()
    silicon = w.panels["precision"].silicon
    assert "<img" not in silicon.text()


def test_tour_titles_and_captions_are_plain_text(make_window):
    from explorer.app.present.stage import CaptionBar

    bar = CaptionBar()
    assert bar.title.textFormat() == Qt.TextFormat.PlainText and bar.caption.textFormat() == Qt.TextFormat.PlainText


def test_a_refused_file_whose_name_holds_markup_is_named_as_text_in_the_warning(make_window, tmp_path, monkeypatch):
    """File › Open of a bad file named ``<img …><b>Evil.json``: the warning box quotes the path
    literally (Qt's static QMessageBox.warning would guess rich text and render the tag)."""
    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append((box.text(), box.textFormat())))
    bad = tmp_path / '<img src="x.png"><b>Evil.json'
    bad.write_text("{ not json")
    w = make_window()
    assert not w.files.open_scenario(str(bad))
    (text, fmt), = boxes
    assert '<img src="x.png"><b>Evil.json' in text and fmt == Qt.TextFormat.PlainText


def test_the_unexpected_error_box_shows_its_summary_as_text(qtbot):
    from explorer.app.error_box import ErrorBox

    box = ErrorBox()
    qtbot.addWidget(box)
    box.set_error('ValueError: <img src="x.png"><b>Evil</b>', "Traceback …", None)
    assert box.message.textFormat() == Qt.TextFormat.PlainText and "<img" in box.message.text()
