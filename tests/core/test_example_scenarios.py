"""The example scenarios shipped in resources/scenarios load and give finite estimates."""

import math

import pytest

from explorer import resources
from explorer.core.estimate import estimate
from explorer.core.scenario import Scenario

EXAMPLES = resources.scenario_files()


def test_there_are_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_loads_and_fits(path):
    s = Scenario.from_json(path.read_text(encoding="utf-8"))
    e = estimate(s)
    assert e.fits, f"{path.name} should show a deployment that fits"
    assert all(math.isfinite(v) for v in e.to_dict().values() if isinstance(v, float))
