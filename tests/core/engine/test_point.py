"""The scalar ``estimate()`` (engine/point.py: plain floats, the mean decode in closed form) against
the vectorized pass functions it replaces for one point (``sweep.estimate_vectorized``: numpy,
the mean decode as a weighted sum over its sampled contexts). Two implementations of the same
formulas, held to each other field by field over random scenarios: every model preset × runtime ×
format × device × layout, with lengths on both sides of the mean's exact/trapezoid switch (129
steps), of sliding windows and of the trained context, batches that do and do not divide a
pipeline, and the KV cache on and off."""

import math
import random

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.engine.sweep import estimate_vectorized
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario, ScenarioError

LENGTHS = [0, 1, 2, 3, 7, 128, 129, 130, 131, 500, 1023, 4096, 4097, 33_000, 200_000]
BATCHES = [1, 2, 3, 5, 8, 64, 1000]
DEVICES = [1, 2, 3, 4, 8]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-300)
    return type(a) is type(b) and a == b


def _random_scenario(rng: random.Random) -> Scenario | None:
    model = presets.model(rng.choice(sorted(presets.models())))
    variant = rng.random()
    if variant < 0.15 and model.attention != "sliding":  # a sliding-window variant of a preset
        model = model.edited(attention="sliding", window=rng.choice([1, 100, 129, 4096]),
                             sliding_fraction=rng.choice([0.5, 1.0]))
    elif variant < 0.22 and not model.is_mla:  # linear attention: a fixed state instead of a KV cache
        model = model.edited(attention="linear")
    hardware = presets.device(rng.choice(sorted(presets.hardware())))
    runtimes = [rt.id for rt in presets.runtimes().values() if rt.runs_on(hardware.category, hardware.vendor)]
    fmts = sorted(presets.formats())
    try:
        return Scenario(model=model, hardware=hardware, runtime=rng.choice(runtimes + [None]),
                        weights=rng.choice(fmts), kv=rng.choice(fmts), compute=rng.choice(fmts),
                        devices=rng.choice(DEVICES), parallel=rng.choice(["tensor", "pipeline"]),
                        batch=rng.choice(BATCHES), prompt=rng.choice(LENGTHS), generate=rng.choice(LENGTHS),
                        kv_cache=rng.random() < 0.85)
    except ScenarioError:
        return None


def _short(s: Scenario) -> str:
    keep = ("weights", "kv", "compute", "devices", "parallel", "batch", "prompt", "generate", "kv_cache", "runtime")
    return (f"{s.model.id} ({s.model.attention}, window {s.model.window}) on {s.hardware.id}: "
            + ", ".join(f"{k}={getattr(s, k)!r}" for k in keep))


def test_scalar_estimate_equals_the_vectorized_path_over_random_scenarios():
    rng = random.Random(20261202)
    checked = 0
    seen = set()
    while checked < 600:
        s = _random_scenario(rng)
        if s is None:
            continue
        fast, vec = estimate(s), estimate_vectorized(s)
        for name in fast.__dataclass_fields__:
            a, b = getattr(fast, name), getattr(vec, name)
            assert _same(a, b), f"{name}: scalar {a!r} vs vectorized {b!r} for {_short(s)}"
        seen.add((s.model.attention, s.kv_cache, s.devices > 1, s.parallel, s.generate > 129, fast.bound))
        checked += 1
    assert len(seen) >= 40  # the draw covers many distinct regimes, not one repeated case
