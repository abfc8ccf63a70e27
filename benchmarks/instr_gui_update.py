"""Instructions per GUI update (valgrind callgrind): a repeatable figure on a noisy machine.

Wall-clock timings here vary by ±30 % from run to run; instruction counts do not, so use this
to compare two versions of the code (A/B). Runs the same slider drag as bench_gui_update.py
with 0 and N steps and prints (Ir(N) − Ir(0)) / N. Takes about two minutes; not part of
`make bench` (run_all.py picks up bench_*.py only).

    python benchmarks/instr_gui_update.py [N] [--pinned] [--presenter]

``--presenter``: 1920×1080 with the presenter theme (large type, thick lines), panels and
menus hidden as F5 hides them, all four overview plots showing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

DRIVER = r"""
import sys
sys.path.insert(0, {here!r})
import bench_gui_update as b
from _util import open_window
mode = sys.argv[2] if len(sys.argv) > 2 else ""
app, w = open_window((1920, 1080) if mode == "presenter" else (1280, 720))
if mode == "presenter":
    w.presenter.stage_layout(); w.store.set_view(theme="presenter", font_scale=1.3); w.settle(); app.processEvents()
if mode == "pinned":  # A/B: A = INT4 weights, B = FP16, on all four plots
    w.store.update(weights="int4"); w.store.pin(); w.store.update(weights="fp16"); w.settle(); app.processEvents()
for change in b.drag_edits(120)[:int(sys.argv[1])]:
    w.store.update(**change); w.settle(); app.processEvents()
"""


def instructions(steps: int, workdir: Path, mode: str = "") -> int:
    script = workdir / "drive.py"
    script.write_text(DRIVER.format(here=str(HERE)))
    out = workdir / f"cg.{steps}.out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(script),
                        str(steps)] + ([mode] if mode else []), capture_output=True, text=True, env=env, timeout=1200)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if not m:
        raise RuntimeError(r.stderr[-2000:])
    return int(m.group(1))


def main() -> int:
    if not shutil.which("valgrind"):
        print("valgrind not found: apt-get install valgrind")
        return 0
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    mode = "pinned" if "--pinned" in sys.argv else "presenter" if "--presenter" in sys.argv else ""
    steps = int(args[0]) if args else 40
    with tempfile.TemporaryDirectory() as tmp:
        base = instructions(0, Path(tmp), mode)
        full = instructions(steps, Path(tmp), mode)
    what = {"pinned": "with an A/B pin, 1280x720", "presenter": "presenter mode, 1920x1080"}.get(mode, "1280x720")
    print(f"GUI update (slider drag step, {what} offscreen): {(full - base) / steps / 1e6:.1f} M instructions "
          f"per step (callgrind, {steps} steps; start-up {base / 1e9:.2f} G instructions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
