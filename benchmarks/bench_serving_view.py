"""Serving tab under a load-slider drag, 1280×720 offscreen: one slider step = store edit + the
four cards' redraw + the readouts + paint (target p95 ≤ 33 ms, two frames); the first draw of a
scenario (its 64-point steady-state curve and knee, computed once and reused while only the load
moves); a change that is not the load (the prompt), which recomputes the curve; and the Plan a
deployment tab: the search off the GUI thread (target ≤ 2 s) and filling its table and map."""

from __future__ import annotations

import time

from _util import open_window, summary


def main() -> None:
    from explorer.app.serving import data
    from explorer.core.specs import presets

    app, w = open_window()
    w.store.update(model=presets.model("llama-3.1-8b"), hardware=presets.device("h100-sxm"), weights="fp16",
                   kv="fp16", prompt=1000, generate=200)
    w.store.set_view(tab="serving")
    t0 = time.perf_counter()
    w.settle()
    sv = w.serving
    sv.repaint()
    print(f"serving tab first draw (curve + knee + 4 cards): {(time.perf_counter() - t0) * 1e3:.0f} ms")
    slider = sv.load.slider
    steps = []
    slider.sliderPressed.emit()
    for pos in list(range(0, 1000, 8)) * 2:
        t0 = time.perf_counter()
        slider.setValue(pos)
        w.settle()
        sv.repaint()
        steps.append(time.perf_counter() - t0)
    slider.sliderReleased.emit()
    print(summary("serving tab: one load-slider step (edit + redraw + paint)", steps, 33))
    prompts = []
    for p in (500, 700, 900, 1100, 1300, 1500, 1700, 1900):
        data.clear()
        t0 = time.perf_counter()
        w.store.update(prompt=p)
        w.settle()
        sv.repaint()
        prompts.append(time.perf_counter() - t0)
    print(summary("serving tab: a prompt edit (new 64-point curve + knee + redraw)", prompts))
    w.store.set_view(tab="plan")
    t0 = time.perf_counter()
    w.settle()
    pv = w.planner
    while pv.busy():
        app.processEvents()
        time.sleep(0.005)
    total = time.perf_counter() - t0
    t1 = time.perf_counter()
    pv.show_rows()
    fill = time.perf_counter() - t1
    print(f"plan tab: {len(pv.rows)} setups searched and shown in {total:.2f} s (target ≤ 2 s for the search); "
          f"table + map alone {fill * 1e3:.0f} ms")
    app.processEvents()


if __name__ == "__main__":
    main()
