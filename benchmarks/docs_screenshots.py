"""Retake the README's screenshots of the serving model (docs/*.png): the Serving tab, the planner, the
highway at the knee and one lane past it, the formula inspector and the dark theme.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/docs_screenshots.py [--out docs] [--only NAME]

Offscreen renders; look at every PNG afterwards (they are for people). Prints each file written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree's explorer, not an installed one

from benchmarks._util import open_window  # noqa: E402


def wait(app, done, timeout_s: float = 120.0) -> None:
    t0 = time.monotonic()
    while not done():
        app.processEvents()
        time.sleep(0.02)
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError("the view did not finish in time")
    for _ in range(5):
        app.processEvents()


def grab(app, w, path: Path) -> None:
    for _ in range(5):
        app.processEvents()
    w.repaint()
    app.processEvents()
    w.grab().save(str(path))
    print(path)


def base(w, model: str = "llama-2-7b") -> None:
    """The README's serving scenario: one H100 SXM, 1,000-token prompts, 200-token replies."""
    from explorer.core.specs import presets

    w.store.update(model=presets.model(model), hardware=presets.device("h100-sxm"), prompt=1000, generate=200)


def serving(app, w, size, out: Path) -> None:
    base(w, "llama-3.1-8b")
    w.store.update(load_kind="concurrency", load=16.0)
    w.store.set_view(tab="serving")
    sv = w.serving
    for clients in (16.0, 64.0, 200.0, 400.0):
        w.store.update(load=clients)
        sv.requests.setValue(2000)
        sv.run_simulation()
        wait(app, lambda: not sv.running())
    w.store.update(load=200.0)
    grab(app, w, out / f"serving-{size[0]}x{size[1]}.png")


def planner(app, w, size, out: Path) -> None:
    base(w, "llama-3.1-70b")
    w.store.update(load_kind="concurrency", load=64.0)
    w.store.set_view(tab="plan")
    wait(app, lambda: not w.planner.busy(), 300)
    grab(app, w, out / f"planner-{size[0]}x{size[1]}.png")


def highway(app, w, size, out: Path, closed: int, name: str) -> None:
    base(w)
    w.store.update(load_kind="rate", load=11.0)
    w.store.set_view(tab="highway", highway={"lanes": 16, "closed": closed})
    t0 = time.monotonic()
    while time.monotonic() - t0 < 15.0:  # let the cars fill the road (and the ramp past capacity)
        app.processEvents()
        time.sleep(0.02)
    grab(app, w, out / f"{name}-{size[0]}x{size[1]}.png")


def inspector(app, w, out: Path) -> None:
    from explorer.core.specs import presets

    w.store.update(hardware=presets.device("rtx-4090"), runtime="llama-cpp-cuda", weights="q4_k_m")
    w.readouts.inspect("decode")
    for _ in range(5):
        app.processEvents()
    d = w.readouts.inspector
    if d is not None:
        d.repaint()
        app.processEvents()
        d.grab().save(str(out / "formula-inspector.png"))
        print(out / "formula-inspector.png")
        d.close()


def dark(app, w, size, out: Path) -> None:
    w.store.set_view(tab="overview", theme="dark")
    grab(app, w, out / f"dark-{size[0]}x{size[1]}.png")


SHOTS = {
    "serving": [(1280, 720), (1920, 1080)],
    "planner": [(1280, 720), (1920, 1080)],
    "highway-knee": [(1280, 720), (1920, 1080)],
    "highway-overloaded": [(1920, 1080)],
    "inspector": [(1280, 720)],
    "dark": [(1280, 720)],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="docs")
    ap.add_argument("--only", action="append", choices=sorted(SHOTS))
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(SHOTS):
        for size in SHOTS[name]:
            app, w = open_window(size)
            if name == "serving":
                serving(app, w, size, out)
            elif name == "planner":
                planner(app, w, size, out)
            elif name == "highway-knee":
                highway(app, w, size, out, 4, "highway-knee")
            elif name == "highway-overloaded":
                highway(app, w, size, out, 5, "highway-overloaded")
            elif name == "inspector":
                inspector(app, w, out)
            else:
                dark(app, w, size, out)
            w.hide()
            w.deleteLater()
            app.processEvents()


if __name__ == "__main__":
    main()
