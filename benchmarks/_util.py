"""Small timing helpers shared by the benchmark scripts (they print figures; nothing asserts)."""

from __future__ import annotations

import statistics
import time


def timeit(fn, repeat: int = 20) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(name: str, seconds: list[float], target_ms: float | None = None) -> str:
    ms = sorted(s * 1e3 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    line = f"{name}: median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, n={len(ms)}"
    if target_ms is not None:
        line += f"  (target ≤ {target_ms:g} ms: {'OK' if p95 <= target_ms else 'MISSED'})"
    return line


def open_window(size: tuple[int, int] = (1280, 720)):
    """A QApplication and the main window with the default scenario, shown and painted once
    (offscreen unless a platform is set). Returns (app, window)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from explorer.app.main_window import MainWindow
    from explorer.app.theme import apply_theme
    from explorer.core.state.scenario import default_scenario

    apply_theme(app)
    window = MainWindow(default_scenario())
    window.resize(*size)
    window.show()
    app.processEvents()
    window.repaint()
    return app, window
