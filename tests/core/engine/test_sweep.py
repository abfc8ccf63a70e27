"""The vectorized sweep (the CLI's ``sweep``) against the plain loop it replaces: every field
of every point equals ``estimate()`` of that point, across models, devices, splits, runtimes,
cache on/off, prompt-only and generate-only points, and points past the trained context."""

import math

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.engine.sweep import estimate_sweep
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

BASES = [
    dict(),
    dict(model="mixtral-8x7b", hardware="h100-sxm", devices=2, parallel="tensor", weights="int8"),
    dict(model="llama-2-70b", hardware="rtx-4090", devices=4, parallel="pipeline", batch=3, runtime="llama-cpp-cuda"),
    dict(model="llama-2-7b", hardware="m2-ultra", kv_cache=False, generate=0),
    dict(model="llama-2-70b", hardware="rtx-4090"),  # does not fit: speeds as if it did
]
SWEEPS = [("prompt", [0, 1, 7, 512, 4096, 70_000]), ("generate", [0, 1, 2, 64, 300, 5000]),
          ("batch", [1, 2, 3, 8, 33, 256])]


def _scenario(d):
    d = dict(d)
    changes = {}
    if "model" in d:
        changes["model"] = presets.model(d.pop("model"))
    if "hardware" in d:
        changes["hardware"] = presets.device(d.pop("hardware"))
    return default_scenario().with_(**changes, **d)


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-300)
    return a == b


@pytest.mark.parametrize("base", BASES, ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()) or "default")
@pytest.mark.parametrize("field, values", SWEEPS, ids=[f for f, _ in SWEEPS])
def test_every_point_equals_its_own_estimate(base, field, values):
    s = _scenario(base)
    if field == "prompt" and s.generate == 0:
        values = [v for v in values if v > 0]  # prompt 0 + generate 0 is no scenario
    if field == "generate" and s.prompt == 0:
        values = [v for v in values if v > 0]
    swept = estimate_sweep(s, field, values)
    assert len(swept) == len(values)
    for v, got in zip(values, swept):
        want = estimate(s.with_(**{field: v})).to_dict()
        got = got.to_dict()
        assert got.keys() == want.keys()
        bad = {k: (got[k], want[k]) for k in want if not _same(got[k], want[k])}
        assert not bad, (field, v, bad)


def test_devices_and_single_points_take_the_plain_path():
    s = _scenario(BASES[1])
    assert [e.to_dict() for e in estimate_sweep(s, "devices", [1, 2, 4])] == \
        [estimate(s.with_(devices=d)).to_dict() for d in (1, 2, 4)]
    assert estimate_sweep(s, "batch", [5])[0] == estimate(s.with_(batch=5))
