"""Exports are slides: the stage (not the window) as a PNG at 2×, a vector PDF with real text
(one page per step, no screenshot inside, the 16-step tour ≤ 2 MB, notes as a second PDF),
and an SVG that a renderer other than Qt (cairosvg) draws like the stage itself."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from PySide6.QtGui import QImage

from explorer import resources
from explorer.app.present.tour_export import export_tour
from explorer.core.features.tour import load_tour

TOUR = load_tour(resources.essay_tour())


@pytest.fixture(scope="module")
def exported(tmp_path_factory, qapp):
    out = tmp_path_factory.mktemp("tour")
    assert export_tour(qapp, None, str(out), (1024, 768), "presenter", ("png", "pdf", "svg")) == 0
    return out


def _grey(image: QImage, size=(256, 192)) -> np.ndarray:
    from PySide6.QtCore import Qt

    small = image.convertToFormat(QImage.Format.Format_Grayscale8).scaled(
        *size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    bits = small.constBits()
    arr = np.frombuffer(bits, np.uint8, count=small.bytesPerLine() * small.height())
    return arr.reshape(small.height(), small.bytesPerLine())[:, : small.width()].astype(float)


def test_png_is_the_stage_at_twice_the_size(exported):
    pngs = sorted(exported.glob("*.png"))
    assert len(pngs) == len(TOUR)
    img = QImage(str(pngs[0]))
    assert (img.width(), img.height()) == (2048, 1536)


def test_pdf_is_vector_text_one_page_per_step_and_small(exported):
    pdf = (exported / "essay.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and f"/Count {len(TOUR)}".encode() in pdf
    assert len(pdf) <= 2_000_000
    text_ops = 0
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text_ops += len(re.findall(rb"T[jJ]\b", zlib.decompress(stream)))
        except zlib.error:
            pass
    assert text_ops > 40 * len(TOUR)  # titles, captions, readouts, ticks: text, not pictures of text
    assert b"/ToUnicode" in pdf  # copy and search work in a PDF reader
    sizes = [(int(w), int(h)) for w, h in re.findall(rb"/Subtype /Image.*?/Width (\d+).*?/Height (\d+)", pdf, re.S)]
    assert all(w * h <= 100 * 100 for w, h in sizes), sizes  # plot markers at most; never a screenshot
    notes = (exported / "essay-notes.pdf").read_bytes()
    assert notes.startswith(b"%PDF-") and f"/Count {len(TOUR)}".encode() in notes


@pytest.mark.parametrize("index", [2, 3, 5, 8, 10])
def test_svg_renders_outside_qt_as_it_does_in_qt(exported, index):
    """cairosvg (not Qt) and Qt's own SVG renderer draw the same slide."""
    cairosvg = pytest.importorskip("cairosvg")
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgRenderer

    svg = next(exported.glob(f"{index + 1:02d}-*.svg")).read_bytes()
    assert b"non-scaling-stroke" not in svg  # line widths in page units: no renderer draws bands
    cairo = QImage.fromData(cairosvg.svg2png(bytestring=svg, output_width=1024, output_height=768,
                                             background_color="white"))
    qt = QImage(1024, 768, QImage.Format.Format_RGB32)
    qt.fill(0xFFFFFFFF)
    painter = QPainter(qt)
    QSvgRenderer(QByteArray(svg)).render(painter, QRectF(0, 0, 1024, 768))
    painter.end()
    # The plot (curves, fills, grid: where Qt's data-space strokes became bands elsewhere) must
    # match closely; text only loosely — the two renderers place glyphs a fraction apart.
    a, b = _grey(cairo), _grey(qt)
    rows = slice(int(0.12 * a.shape[0]), int(0.58 * a.shape[0]))
    plot = np.abs(a[rows] - b[rows])
    assert plot.mean() < 2.5, f"step {index + 1}: plot area differs by {plot.mean():.1f} of 255 on average"
    assert (plot > 96).mean() < 0.01, f"step {index + 1}: {(plot > 96).mean():.1%} of the plot differs a lot"
    whole = np.abs(_grey(cairo, (64, 48)) - _grey(qt, (64, 48)))
    assert whole.mean() < 6, f"step {index + 1}: the slide differs by {whole.mean():.1f} of 255 on average"
    ink = (a < 128).mean()
    assert 0.02 < ink < 0.5  # a slide, not a blank page or a filled band


def test_format_and_theme_options():
    import argparse

    from explorer.gui_options import add_gui_options

    p = argparse.ArgumentParser()
    add_gui_options(p)
    opts = p.parse_args(["--export-tour", "--out", "x", "--format", "png,svg", "--theme", "dark"])
    assert opts.export_formats == ("png", "svg") and opts.theme == "dark"
    with pytest.raises(SystemExit):
        p.parse_args(["--export-tour", "--out", "x", "--format", "gif"])


def _car_rects(svg: str) -> dict[str, int]:
    """Rectangles per fill colour (a car, a waiting car, …) in an exported slide."""
    out: dict[str, int] = {}
    for m in re.finditer(r"<g ([^>]*)>(.*?)</g>", svg, re.S):
        fill = re.search(r'fill="(#[0-9a-f]{6})"', m.group(1))
        n = len(re.findall(r"<rect\b", m.group(2)))
        if fill and n:
            out[fill.group(1)] = out.get(fill.group(1), 0) + n
    return out


@pytest.mark.parametrize("index", [i for i, s in enumerate(TOUR.steps) if s.tab == "highway"])
def test_the_exported_highway_shows_the_serving_models_cars(exported, index):
    """A still of the road is the serving model's steady state: its mean batch as cars on the
    road, its queue on the ramp (past capacity: the queue a minute after arrivals outgrew the
    road, λ − capacity per second × 60 s) — not the empty road the live animation starts from."""
    from explorer.app.highway.road import CAR_COLOURS
    from explorer.core.highway import traffic

    step = TOUR.steps[index]
    road = traffic.highway(step.scenario, lanes=step.highway["lanes"], closed=step.highway["closed"])
    want_cars = round(road.point.mean_running)
    want_queue = int(road.queue_growth * 60) if road.rho >= 1 else int(road.point.queue_length)
    svg = next(exported.glob(f"{index + 1:02d}-*.svg")).read_text()
    rects = _car_rects(svg)
    assert sum(rects.get(c.lower(), 0) for c in CAR_COLOURS) == want_cars, rects
    assert rects.get("#d55e00", 0) == want_queue, rects  # the on-ramp's waiting cars (vermillion)
    # the PNG too: green and purple are the cars' alone on a highway slide (the plots use blue,
    # sky, orange, vermillion): about 2 in 5 cars, each some hundreds of pixels at 2×
    img = QImage(str(next(exported.glob(f"{index + 1:02d}-*.png")))).convertToFormat(QImage.Format.Format_RGB32)
    bits = img.constBits()
    px = np.frombuffer(bits, np.uint32, count=img.width() * img.height()) & 0xFFFFFF
    car_px = int(np.isin(px, [0x009E73, 0xCC79A7]).sum())
    assert car_px > want_cars * 2 / 5 * 200, car_px
