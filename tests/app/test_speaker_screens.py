"""With two screens, presenter mode puts the stage on the screen the window is on and the
speaker view, full screen, on the other: the current step and the next, the step's notes from
the tour file, an elapsed timer and the clock — and it follows the talk and closes with it.

Qt's offscreen platform takes a screen layout from a JSON file
(``QT_QPA_PLATFORM=offscreen:configfile=…``, Qt ≥ 6.5); the platform is chosen when the
application starts, so the app runs in a child process (two_screens_child.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from explorer import resources
from explorer.core.features.tour import load_tour

CHILD = Path(__file__).with_name("two_screens_child.py")
SCREENS = [{"name": "projector", "x": 0, "y": 0, "width": 1024, "height": 768},
           {"name": "laptop", "x": 1024, "y": 0, "width": 1280, "height": 720}]


def _run(tmp_path: Path, start: int) -> dict:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [dict(s, logicalDpi=96, logicalBaseDpi=96, dpr=1) for s in SCREENS]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, str(CHILD), SCREENS[start]["name"]], env=env, capture_output=True, text=True,
                          timeout=240, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("start", [0, 1], ids=["window-on-first", "window-on-second"])
def test_the_speaker_view_goes_to_the_other_screen_and_follows_the_talk(tmp_path, start):
    tour = load_tour(resources.essay_tour())
    out = _run(tmp_path, start)
    assert sorted(s["name"] for s in out["screens"]) == sorted(s["name"] for s in SCREENS)  # the platform took both
    stage_screen, other = SCREENS[start], SCREENS[1 - start]
    for moment, index in (("first", 0), ("second", 1)):
        seen = out[moment]
        assert seen["stage_visible"] and seen["window_screen"] == stage_screen["name"]
        assert seen["window"] == [stage_screen[k] for k in ("x", "y", "width", "height")]  # the stage fills its screen
        sp = seen["speaker"]
        assert sp is not None and sp["visible"], moment
        assert sp["screen"] == other["name"]
        assert sp["geometry"] == [other[k] for k in ("x", "y", "width", "height")]  # full screen on the other
        step = tour.steps[index]
        assert sp["current"] == f"{index + 1} / {len(tour)}  {step.title}"
        assert sp["next"] == f"Next: {tour.steps[index + 1].title}"
        assert sp["notes"] == step.notes and step.notes
        assert re.fullmatch(r"\d\d:\d\d", sp["timer"]) and re.fullmatch(r"\d\d:\d\d", sp["clock"])
    assert out["first"]["speaker"]["timer"] == "00:00"
    assert out["second"]["speaker"]["timer"] != "00:00"  # it counts: over a second passed between the two
    assert out["second"]["speaker"]["clock"] in (out["first"]["speaker"]["clock"], out["second"]["clock_then"])
    assert out["after"]["speaker_gone"]  # Esc ends presenting: the speaker view goes with it
