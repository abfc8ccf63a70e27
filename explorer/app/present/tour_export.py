"""``inference-explorer --export-tour [TOUR] --out DIR [--size WxH] [--theme presenter]``:
every step of a tour rendered headless as presenter mode's stage shows it (the stage, not the
window), to numbered PNGs and one multi-page PDF — slides for a deck or
a handout. The essay tour is the default; with no display the offscreen platform is used."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from ...core.io.atomic import WriteError, write_bytes
from ...core.features.tour import TourError, load_tour
from ..images import png_bytes

THEME_ALIASES = {"projector": "presenter"}
DEFAULT_SIZE = (1920, 1080)
WARM_FRAMES = 600  # highway animation frames run before a highway step is captured


def _name(index: int, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "step"
    return f"{index + 1:02d}-{slug}.png"


def export_tour(app, tour_path: str | None, out: str, size: tuple[int, int] | None, theme_name: str) -> int:
    from ... import resources
    from ...core.state.appstate import AppState
    from ...core.state.scenario import default_scenario
    from ..main_window import MainWindow

    path = tour_path or str(resources.essay_tour())
    try:
        tour = load_tour(path)
    except TourError as exc:
        print(f"inference-explorer: error: {exc}", file=sys.stderr)
        return 2
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"inference-explorer: error: cannot create {folder}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    width, height = size or DEFAULT_SIZE
    theme_name = THEME_ALIASES.get(theme_name, theme_name)
    window = MainWindow(AppState(default_scenario()), settings=None, autosave_path=None)
    p = window.presenter
    p.stage_layout()
    window.resize(width, height)
    window.show()
    window.store.set_view(theme=theme_name, font_scale=1.0)  # the stage sizes its text by its height
    p.start(tour)
    p.show_stage(True)
    app.processEvents()
    stage = p.stage.size()  # the stage itself is exported: make it exactly width × height
    window.resize(width + window.width() - stage.width(), height + window.height() - stage.height())
    app.processEvents()
    p.player.animate = False
    pages = []
    for i, step in enumerate(tour.steps):
        p.player.go(i)
        window.settle()
        app.processEvents()
        if step.tab == "highway":  # let the traffic flow a while: a still frame shows the jam
            for _ in range(WARM_FRAMES):
                window.highway.tick()
        window.settle()
        image = p.stage.grab().toImage()  # the stage, not the window
        pages.append(image)
        target = folder / _name(i, step.title)
        try:
            write_bytes(target, png_bytes(image))
        except (WriteError, ValueError) as exc:
            print(f"inference-explorer: error: {exc}", file=sys.stderr)
            return 1
        print(f"{target}  {step.title}")
    pdf = folder / (Path(path).stem + ".pdf")
    try:
        write_bytes(pdf, pdf_bytes(pages, tour.title))
        print(f"{pdf}  {len(pages)} pages")
    except (WriteError, ValueError) as exc:
        print(f"inference-explorer: error: {exc}", file=sys.stderr)
        return 1
    window.store.mark_clean()  # nothing to save: closing must not ask
    window.close()
    return 0


def pdf_bytes(images, title: str) -> bytes:
    """One page per image, each page the image's aspect ratio (Qt's own PDF writer)."""
    if not images:
        raise ValueError("no pages to write")
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setTitle(title)
    writer.setCreator("Inference Scaling Explorer")
    first = images[0]
    page = QPageSize(QSizeF(first.width() * 0.75, first.height() * 0.75), QPageSize.Unit.Point, "slide")
    writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setResolution(96)
    painter = QPainter(writer)
    for n, image in enumerate(images):
        if n:
            writer.newPage()
        target = painter.viewport()
        painter.drawImage(target, image)
    painter.end()
    buf.close()
    if data.isEmpty():
        raise ValueError("Qt's PDF writer produced nothing")
    return bytes(data)
