"""``inference-explorer --export-tour [TOUR] --out DIR [--size WxH] [--theme presenter]
[--format png,pdf,svg]``: every step of a tour rendered headless as presenter mode's stage
shows it (the stage, not the window): numbered PNGs at 2×, numbered SVGs, and one vector PDF
(one page per step, real text) with the speaker's notes as a second PDF beside it — slides for
a deck or a handout. The essay tour is the default; with no display the offscreen platform is
used."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ...core.features.tour import TourError, load_tour
from ...core.io.atomic import WriteError, write_bytes
from . import stage_export

THEME_ALIASES = {"projector": "presenter"}
DEFAULT_SIZE = (1920, 1080)
FORMATS = ("png", "pdf", "svg")
DEFAULT_FORMATS = ("png", "pdf")


def _name(index: int, title: str, ext: str = "png") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "step"
    return f"{index + 1:02d}-{slug}.{ext}"


def _write(target: Path, data: bytes) -> bool:
    try:
        write_bytes(target, data)
    except (WriteError, ValueError) as exc:
        print(f"inference-explorer: error: {exc}", file=sys.stderr)
        return False
    return True


def export_tour(app, tour_path: str | None, out: str, size: tuple[int, int] | None, theme_name: str,
                kinds: tuple[str, ...] = DEFAULT_FORMATS) -> int:
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
    stage = p.stage
    window.resize(width + window.width() - stage.width(), height + window.height() - stage.height())
    app.processEvents()  # the stage itself is exported: exactly width × height
    p.player.animate = False
    pdf = stage_export.Pdf(width, height, tour.title) if "pdf" in kinds else None
    try:
        for i, step in enumerate(tour.steps):
            p.player.go(i)
            window.settle()
            app.processEvents()
            for view in stage.hero_views():  # the road as the serving model's steady state (cars, queue)
                if hasattr(view, "snapshot"):
                    view.set_paused(True)
                    view.snapshot()
            window.settle()
            stage.grab()  # one paint: plots update their transforms when they draw
            if "png" in kinds:
                target = folder / _name(i, step.title, "png")
                if not _write(target, stage_export.png(stage, title=step.title)):
                    return 1
                print(f"{target}  {step.title}")
            if "svg" in kinds:
                target = folder / _name(i, step.title, "svg")
                if not _write(target, stage_export.svg(stage, step.title)):
                    return 1
                print(f"{target}  {step.title}")
            if pdf is not None:
                pdf.page(stage)
        if pdf is not None:
            target = folder / (Path(path).stem + ".pdf")
            notes = folder / (Path(path).stem + "-notes.pdf")
            try:
                data = pdf.finish()
            except ValueError as exc:
                print(f"inference-explorer: error: {exc}", file=sys.stderr)
                return 1
            if not (_write(target, data) and _write(notes, stage_export.notes_pdf(tour))):
                return 1
            print(f"{target}  {pdf.pages} pages")
            print(f"{notes}  speaker notes")
    finally:
        window.store.mark_clean()  # nothing to save: closing must not ask
        window.close()
    return 0
