"""--export-tour: one PNG per step, named in order, and a PDF with one page per step."""

import re

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from explorer import resources
from explorer.app.application import _parse
from explorer.app.present.tour_export import export_tour
from explorer.core.features.tour import load_tour


def test_export_tour_writes_one_png_per_step_and_a_pdf(qtbot, tmp_path, capsys):
    tour = load_tour(resources.essay_tour())
    assert export_tour(QApplication.instance(), None, str(tmp_path), (1024, 768), "projector") == 0
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == len(tour)
    for i, (path, step) in enumerate(zip(pngs, tour.steps)):
        assert re.match(rf"{i + 1:02d}-[a-z0-9-]+\.png$", path.name)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        img = QImage(str(path))
        assert (img.width(), img.height()) == (2048, 1536)  # the stage at 2×
    pdf = (tmp_path / "essay.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and f"/Count {len(tour)}".encode() in pdf
    assert "16 pages" in capsys.readouterr().out


def test_a_bad_tour_exports_nothing(qtbot, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[tour]\ntitle = "x"\nversion = 1\n[[step]]\ntitle = "a"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert export_tour(QApplication.instance(), str(bad), str(out), (800, 600), "light") == 2
    assert "bad.toml, line" in capsys.readouterr().err
    assert not list(out.glob("*")) if out.exists() else True


def test_export_tour_needs_an_output_folder():
    from explorer.app.application import OptionError

    with pytest.raises(OptionError, match="--export-tour needs --out DIR"):  # one line, not usage + exit
        _parse(["--export-tour"])
    opts = _parse(["--export-tour", "--out", "slides", "--theme", "projector", "--size", "1024x768"])
    assert (opts.export_tour, opts.out, opts.theme, opts.size) == ("", "slides", "projector", (1024, 768))
