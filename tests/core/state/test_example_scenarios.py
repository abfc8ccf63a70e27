"""The example scenarios shipped in resources/scenarios load and give finite estimates."""

import math

import pytest

from explorer import resources
from explorer.core.engine.estimate import estimate
from explorer.core.state.appstate import AppState

EXAMPLES = resources.scenario_files()


def test_there_are_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_loads_and_fits(path):
    state = AppState.from_file(path)  # scenario files (version 1) and sessions with a pin (version 2)
    for s in (state.scenario, state.pinned) if state.pinned else (state.scenario,):
        e = estimate(s)
        assert e.fits, f"{path.name} should show a deployment that fits"
        assert all(math.isfinite(v) for v in e.to_dict().values() if isinstance(v, float))
