"""Presenter mode: input → repaint latency with the presenter theme (target p95 ≤ 16 ms), and
frames per second while a tour step morphs or a step's Play sweeps (target ≥ 30 fps), at
1920×1080 offscreen. A frame here = one animation tick: the store updated, every visible view
recomputed and the window repainted."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from _util import open_window, summary  # noqa: E402
from bench_gui_update import drag_edits  # noqa: E402

SIZE = (1920, 1080)


def presenter_window():
    app, w = open_window(SIZE)
    p = w.presenter
    p.stage_layout()  # what F5 hides; full screen itself needs a real screen
    w.store.set_view(theme="presenter", font_scale=1.3)
    p.open_essay_tour()
    p.player.finish()
    w.settle()
    app.processEvents()
    return app, w, p


def latency(app, w) -> list[float]:
    times = []
    for change in drag_edits(120):
        t0 = time.perf_counter()
        w.store.update(**change)
        w.settle()
        app.processEvents()
        times.append(time.perf_counter() - t0)
    return times[1:]


def animation_fps(app, w, p, start) -> tuple[float, int, float]:
    """Run an animation to its end as the event loop would; frames drawn and the rate."""
    t0 = time.perf_counter()
    start()
    frames = 0
    while p.player.running():
        app.processEvents()  # timers fire, views redraw at most once a frame, widgets paint
        frames += 1
    seconds = time.perf_counter() - t0
    return p.player.frames / seconds, p.player.frames, seconds


def morphing_steps(p) -> list[int]:
    """Steps (1-based) whose move to the next step morphs numbers rather than jumping."""
    out = []
    for i in range(len(p.player) - 1):
        a, b = p.player.tour.steps[i].scenario, p.player.tour.steps[i + 1].scenario
        diff = {f for f in ("prompt", "generate", "batch") if getattr(a, f) != getattr(b, f)}
        if diff and a.with_(**{f: getattr(b, f) for f in diff}) == b and p.player.tour.steps[i].tab == \
                p.player.tour.steps[i + 1].tab:
            out.append(i + 1)
    return out


def main() -> None:
    app, w, p = presenter_window()
    p.focus.show_alone(None)  # all four overview plots, as most steps show them
    print(summary("Presenter (1920x1080, presenter theme): slider drag step -> repainted", latency(app, w), 16))
    worst = 1e9
    for i in morphing_steps(p):
        p.player.go(i - 1)
        p.player.finish()
        w.settle()
        fps, frames, s = animation_fps(app, w, p, lambda i=i: p.player.go(i))
        worst = min(worst, fps)
        print(f"Presenter: step {i} -> {i + 1} morph: {frames} frames in {s * 1e3:.0f} ms = {fps:.0f} fps")
    p.player.go(8)
    p.player.finish()
    fps, frames, s = animation_fps(app, w, p, p.player.play)
    worst = min(worst, fps)
    print(f"Presenter: Play (batch 1 -> 64): {frames} frames in {s:.1f} s = {fps:.0f} fps")
    print(f"Presenter: slowest animation {worst:.0f} fps (target >= 30: {'OK' if worst >= 30 else 'MISSED'})")


if __name__ == "__main__":
    main()
