"""Soak: 10,000 scripted interactions in one process, offscreen at 1280×720 — random control
changes (values in and out of range, Link = 0 with several devices), tab switches, A/B pin /
unpin / swap, the shipped tours' steps (and refused partial states), undo/redo storms, and
opening good and bad files.

Prints the count of unhandled exceptions (must be 0), error boxes shown for refused files,
and, after a warm-up, resident memory and the live QObject / plot-item / undo-entry counts at
the start and the end (growth must stay < 5 % and the counts flat).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/soak.py [--actions 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from _util import open_window  # noqa: E402


def rss_mib() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: peak RSS is the best the standard library offers
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def make_files(folder: Path) -> tuple[list[Path], list[Path]]:
    from explorer import resources
    from explorer.core.state.scenario import default_scenario

    good = list(resources.scenario_files())
    s = folder / "batch8.json"
    s.write_text(default_scenario().with_(batch=8).to_json())
    good.append(s)
    d = json.loads(default_scenario().to_json())
    bad = []
    for name, text in (("weights-number.json", {**d, "weights": 5}), ("nan.json", {**d, "eta_memory": float("nan")}),
                       ("no-link.json", {**d, "devices": 2, "hardware": {**d["hardware"], "interconnect_gbs": 0}}),
                       ("deep.json", None), ("notjson.json", None)):
        p = folder / name
        p.write_text(json.dumps(text) if text else ("[" * 5000 if "deep" in name else "{ nope"))
        bad.append(p)
    zero = folder / "zero.json"
    os.symlink("/dev/zero", zero) if hasattr(os, "symlink") and Path("/dev/zero").exists() else None
    big = folder / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(6 * 2**20)
    bad += [p for p in (zero, big, folder / "missing.json") if p.exists() or p.name == "missing.json"]
    return good, bad


def tour_steps() -> list[dict]:
    """Every step of the shipped tours as the partial state a tour player applies."""
    from explorer import resources
    from explorer.core.features.tour import load_tour

    out = []
    for f in resources.tour_files():
        for st in load_tour(f).steps:
            out.append({"scenario": st.scenario.to_dict(), "pinned": st.pin.to_dict() if st.pin else None,
                        "view": {"tab": st.tab}})
    return out


def controls(w) -> list:
    out = []
    for panel in w.panels.values():
        out += list(panel.controls.values())
        out += list(getattr(panel, "boxes", {}).values()) + list(getattr(panel, "figure_boxes", {}).values())
        out += list(getattr(panel, "tflops_boxes", {}).values())
    return out


def poke(widget, rng: random.Random) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox

    if hasattr(widget, "spin"):  # LogSliderSpin
        widget = widget.spin
    if isinstance(widget, QComboBox):
        if widget.count():
            widget.setCurrentIndex(rng.randrange(widget.count()))
    elif isinstance(widget, QAbstractButton):
        widget.click()
    elif hasattr(widget, "setValue") and hasattr(widget, "minimum"):
        lo, hi = widget.minimum(), widget.maximum()
        pick = rng.random()
        if pick < 0.1:
            v = lo
        elif pick < 0.15:
            v = hi
        elif lo > 0 and hi / lo > 100:
            v = lo * (hi / lo) ** rng.random()
        else:
            v = lo + (hi - lo) * rng.random()
        widget.setValue(type(widget.value())(v) if isinstance(widget.value(), int) else v)


def counts(app, w) -> dict:
    from PySide6.QtCore import QObject

    gc.collect()
    app.processEvents()
    plot_items = sum(len(p.scene().items()) for p in _plot_widgets(w))
    return {"rss_mib": rss_mib(), "qobjects": len(w.findChildren(QObject)) + len(app.topLevelWidgets()),
            "plot_items": plot_items, "undo_entries": w.store.undo_stack.count(),
            "python_objects": len(gc.get_objects())}


def _plot_widgets(w):
    import pyqtgraph as pg

    return w.findChildren(pg.GraphicsView)


def act(w, rng: random.Random, ctl: list, partial: list, good: list, bad: list) -> str:
    """One scripted interaction; returns its kind."""
    r = rng.random()
    if r < 0.55:
        poke(rng.choice(ctl), rng)
        return "control"
    if r < 0.63:
        w.tabs.setCurrentIndex(rng.randrange(w.tabs.count()))
        return "tab"
    if r < 0.70:
        rng.choice([w.store.pin, w.store.clear_pin, w.store.swap])()
        return "pin"
    if r < 0.75:
        p = getattr(w, "presenter", None)
        if p is None or rng.random() < 0.3:  # partial states as a tour step applies them (some refused)
            w.store.apply_partial(rng.choice(partial))
        elif p.player is None or rng.random() < 0.03:
            p.open_essay_tour()
        else:
            rng.choice([p.next, p.next, p.next, p.previous, p.play, p.close_tour])()
        return "tour step"
    if r < 0.85:
        for _ in range(rng.randrange(5, 25)):
            rng.choice([w.store.undo, w.store.undo, w.store.redo])()
        return "undo/redo storm"
    if r < 0.93:
        w.files.open_scenario(str(rng.choice(good)))
        return "open good file"
    w.files.open_scenario(str(rng.choice(bad)))
    return "open bad file"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actions", type=int, default=10_000)
    ap.add_argument("--warmup", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    from PySide6.QtWidgets import QMessageBox

    boxes = []
    for name in ("warning", "critical", "information"):
        setattr(QMessageBox, name, staticmethod(lambda *args, **_k: boxes.append(args[2] if len(args) > 2 else "")))
    unhandled, qt_warnings = [], []
    import traceback

    def hook(t, e, tb) -> None:  # slots and timers (PySide6 hands their exceptions here)
        if not unhandled:
            traceback.print_exception(t, e, tb)
        unhandled.append(f"{t.__name__}: {e}")

    sys.excepthook = hook
    from PySide6.QtCore import QEvent, qInstallMessageHandler

    from explorer.app.application import QT_NOISE

    qInstallMessageHandler(lambda _mode, _ctx, msg: None if msg.startswith(QT_NOISE) else qt_warnings.append(msg))
    app, w = open_window()
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    good, bad = make_files(folder)
    ctl = controls(w)
    tally: dict[str, int] = {}
    partial = tour_steps() + [{"scenario": {"batch": -1}}, {"scenario": {"devices": 3}},  # refused ones too
                              {"scenario": {"weights": "q4_0"}, "view": {"tab": "highway"}}]
    start = None
    t0 = time.perf_counter()
    for i in range(a.actions):
        if i == a.warmup:
            start = counts(app, w)
        kind = "raised"
        try:
            kind = act(w, rng, ctl, partial, good, bad)
            w.settle()
            app.processEvents()
            # what returning to a running event loop does: objects given to deleteLater() go now
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        except Exception:  # noqa: BLE001 — a direct call that raised: counted like any unhandled error
            hook(*sys.exc_info())
        tally[kind] = tally.get(kind, 0) + 1
    end = counts(app, w)
    took = time.perf_counter() - t0
    print(f"soak: {a.actions:,} interactions in {took:.0f} s (seed {a.seed}): "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.items())))
    print(f"unhandled exceptions: {len(unhandled)}" + (f" (first: {unhandled[0]})" if unhandled else ""))
    print(f"Qt warnings: {len(qt_warnings)}" + (f" (first: {qt_warnings[0]})" if qt_warnings else ""))
    print(f"refusal boxes for bad files: {len(boxes)}")
    for key in start:
        growth = (end[key] - start[key]) / start[key] * 100 if start[key] else 0.0
        note = "  (the undo history, capped at 200 entries)" if key == "undo_entries" else ""
        print(f"{key:>15}: after warm-up {start[key]:,.1f}  end {end[key]:,.1f}  ({growth:+.1f} %){note}")
    ok = not unhandled and end["rss_mib"] < start["rss_mib"] * 1.05
    print("RESULT:", "OK" if ok else "PROBLEM")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
