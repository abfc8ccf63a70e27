"""Slides out of the app: PNG at 2×, SVG and CSV, each naming model, hardware, formats, workload."""

import csv
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage

from explorer.core.specs import presets
from explorer.core.io.atomic import WriteError
from explorer.core.state.scenario import default_scenario

SCENARIO = default_scenario().with_(model=presets.model("llama-2-13b"), hardware=presets.device("h100-sxm"),
                                    weights="int8", batch=4, prompt=2048, generate=128)


def _words_of(caption):
    return ("Llama 2 13B", "H100", "INT8", "batch 4", "2,048", "128")


def test_default_names_and_caption_say_what_the_figure_shows(make_window):
    w = make_window(SCENARIO)
    name = w.slides.default_name("plot", "png")
    assert name == "llama-2-13b_1x-h100-sxm_int8-fp16-fp16_b4-p2048-g128_compute.png"
    cap = w.slides.caption()
    for word in _words_of(cap):
        assert word in cap, (word, cap)


def test_png_is_twice_the_widget_with_a_caption_strip(make_window, tmp_path):
    w = make_window(SCENARIO)
    card = w.plots["memory"]
    w.slides.current = "memory"
    out = tmp_path / "m.png"
    assert w.slides.export("plot", "png", str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = QImage(str(out))
    assert img.width() == 2 * card.width()
    assert img.height() > 2 * card.height()  # the caption strip below
    # The caption strip is not blank: it has dark (text) pixels below the widget.
    strip = [img.pixelColor(x, y).lightness() for y in range(2 * card.height() + 4, img.height(), 2)
             for x in range(0, img.width(), 3)]
    assert min(strip) < 100


def test_svg_is_valid_xml_with_vector_curves_and_the_caption(make_window, tmp_path):
    w = make_window(SCENARIO)
    out = tmp_path / "c.svg"
    assert w.slides.export("plot", "svg", str(out))
    root = ET.fromstring(out.read_bytes())
    assert root.tag.endswith("svg")
    text = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Llama 2 13B" in text and "INT8" in text
    assert sum(1 for e in root.iter() if e.tag.endswith(("polyline", "path"))) > 5
    assert sum(1 for e in root.iter() if e.tag.endswith("image")) == 0  # no pixmap-cached curves


def test_csv_holds_every_plotted_point(make_window, tmp_path):
    w = make_window(SCENARIO)
    w.slides.current = "compute"
    out = tmp_path / "d.csv"
    assert w.slides.export_csv(path=str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Llama 2 13B on 1× ")
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0][:3] == ["series", "sequence length n [tokens]", "y"]
    card = w.plots["compute"]
    # Every curve's points, in order, exactly as the plot holds them (not what it draws on a log axis).
    for key, item, _units in card.series():
        x, y = item.getOriginalDataset()
        got = [(float(r[1]), float(r[2])) for r in rows[1:] if r[0] == item.name()]
        assert np.allclose(got, np.column_stack([x, y]), rtol=0, atol=0) if len(got) else len(x) == 0
    # Spot check by hand: the n² curve at n = 1,000 is 1,000,000 pairs per head.
    pairs = {float(r[1]): float(r[2]) for r in rows[1:] if r[0].startswith("pairs per head")}
    assert pairs and all(v == pytest.approx(k * k) for k, v in pairs.items())


def test_ctrl_c_copies_the_plot_image(make_window, qtbot):
    w = make_window(SCENARIO)
    QGuiApplication.clipboard().clear()
    w.activateWindow()
    w.slides.copy_action.trigger()
    img = QGuiApplication.clipboard().image()
    assert not img.isNull() and img.width() == 2 * w.plots["compute"].width()


def test_a_failed_export_says_so_and_writes_nothing(make_window, tmp_path, no_modal_boxes):
    w = make_window(SCENARIO)
    target = tmp_path / "missing-folder" / "x.png"
    assert not w.slides.export("window", "png", str(target))
    assert not target.exists()
    assert no_modal_boxes and "x.png" in str(no_modal_boxes[-1])


def test_export_writes_through_the_atomic_writer(make_window, tmp_path, monkeypatch):
    w = make_window(SCENARIO)
    seen = []
    from explorer.app.present import export

    def fake(path, data):
        seen.append(path)
        raise WriteError(f"could not write {path}: disk full; nothing was written")

    monkeypatch.setattr(export, "write_bytes", fake)
    assert not w.slides.export("overview", "svg", str(tmp_path / "o.svg"))
    assert seen == [str(tmp_path / "o.svg")]
