"""One validation for every input: whatever it accepts gives finite (and, where it must, positive)
figures in every core output; whatever it refuses gets a one-line ScenarioError naming the field.

Inputs are generated the way a stranger's file would hold them: preset-based tables with any
field replaced by a wrong type, NaN, ±inf, 1e308, 10**400, a negative, a huge string, or a
plausible number.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from explorer.core.engine import series
from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.specs.hardware import HardwareSpec
from explorer.core.specs.model import ModelSpec
from explorer.core.state.scenario import Scenario, ScenarioError

FIELD_NAMES = ({f.name for f in dataclasses.fields(Scenario)} | {f.name for f in dataclasses.fields(ModelSpec)}
               | {f.name for f in dataclasses.fields(HardwareSpec)} | {"version", "tflops", "sources"})

nasty = st.one_of(
    st.integers(-10, 10**9), st.floats(allow_nan=True, allow_infinity=True), st.just(10**400),
    st.sampled_from([0, -1, 1, 2, 1e308, -1e20, 0.5, float("nan"), float("inf"), True, False, None, "abc", "",
                     "x" * 5000, [], {}, [1, 2], {"a": 1}]),
    st.text(max_size=8))
plausible = st.one_of(st.integers(1, 64), st.integers(0, 300_000), st.floats(0.01, 1), st.floats(0, 2000),
                      st.booleans(), st.sampled_from([1e6, 1e7, 10**7, 10**8, 10_000, 100_000, 65_536, 1024, 0.01, 0.1]))


def _table(base: dict, keys: list[str]) -> st.SearchStrategy[dict]:
    """``base`` with a few of ``keys`` replaced: mostly plausible values (edges included), some nasty."""
    value = st.one_of(plausible, plausible, plausible, nasty)
    return st.dictionaries(st.sampled_from(keys), value, max_size=3).map(lambda changes: {**base, **changes})


MODEL_IDS = sorted(presets.models())
HW_IDS = sorted(presets.hardware())
SCENARIO_KEYS = ["weights", "kv", "compute", "devices", "parallel", "batch", "prompt", "generate", "kv_cache",
                 "eta_compute", "eta_memory", "price_per_hour"]


@st.composite
def scenario_tables(draw) -> dict:
    model = presets.model(draw(st.sampled_from(MODEL_IDS))).to_dict()
    hw = presets.device(draw(st.sampled_from(HW_IDS))).to_dict()
    model_field = draw(st.one_of(st.just(model["id"]), _table(model, sorted(model)), _table(model, sorted(model)),
                                 nasty))
    hw_table = draw(_table(hw, sorted(hw)))
    if draw(st.booleans()):
        hw_table["tflops"] = draw(st.dictionaries(st.sampled_from(["fp16", "fp8", "int8", "bf16"]),
                                                  st.one_of(nasty, plausible), max_size=3))
    scen = {"version": 1, "model": model_field, "hardware": draw(st.one_of(st.just(hw["id"]), st.just(hw_table)))}
    scen.update(draw(st.dictionaries(st.sampled_from(SCENARIO_KEYS), st.one_of(
        nasty, plausible, plausible, st.sampled_from(["fp16", "fp8", "q4_0", "int8", "tensor", "pipeline"])),
        max_size=4)))
    if draw(st.integers(0, 9)) == 0:
        scen["version"] = draw(nasty)
    return scen


def _finite(x) -> bool:
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


def check_outputs(s: Scenario) -> None:
    e = estimate(s)
    for name, v in e.to_dict().items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            assert math.isfinite(v), (name, v)
            assert v >= 0, (name, v)
    for name in ("params_total", "weight_bytes", "ttft_s", "memory_needed_per_device", "memory_usable_per_device",
                 "bytes_per_token", "flops_per_token", "energy_j_per_token", "arithmetic_intensity",
                 "ridge_intensity"):
        assert getattr(e, name) > 0, (name, getattr(e, name))
    if s.generate > 0:
        assert e.tpot_s > 0 and e.decode_tokens_per_s > 0
    mt = series.memory_traffic(s)
    assert _finite(mt.t) and _finite(mt.weights) and _finite(mt.kv) and _finite(mt.bytes_per_token)
    rf = series.roofline(s)
    assert _finite(rf.effective_roof) and _finite(rf.decode_point) and _finite(rf.prefill_point)
    assert _finite(rf.batch_path[0]) and _finite(rf.batch_path[1])
    for curve in series.compute_growth(s)["curves"].values():
        assert _finite(curve)
    for bar in series.compare_devices(s):
        assert bar.error or (_finite(bar.ttft_s) and (bar.decode_tokens_per_s is None or bar.decode_tokens_per_s > 0))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_tables())
def test_accepted_means_finite_refused_means_one_line_naming_the_field(table):
    try:
        s = Scenario.from_dict(table)
    except ScenarioError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and len(msg) < 2000
        assert any(name in msg for name in FIELD_NAMES), msg
        event("refused")
        return
    event("accepted")
    check_outputs(s)


def _edge_int(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi]), st.integers(lo, min(hi, 64)))


def _edge_float(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(lo, hi), st.sampled_from([lo, hi]))


@st.composite
def in_range_scenarios(draw) -> dict:
    """Every field drawn inside its documented range, the limits themselves included: most are
    accepted, so this is where 'accepted ⇒ finite' is really exercised."""
    heads = draw(_edge_int(1, 256))
    model = {**presets.model(draw(st.sampled_from(MODEL_IDS))).to_dict(), "id": "custom", "name": "fuzz",
             "layers": draw(_edge_int(1, 10_000)), "heads": heads, "kv_heads": draw(st.sampled_from(
                 [d for d in range(1, heads + 1) if heads % d == 0])), "head_dim": draw(_edge_int(1, 100_000)),
             "d_model": draw(_edge_int(1, 1_000_000)), "ffn": draw(_edge_int(1, 10_000_000)),
             "vocab": draw(_edge_int(1, 100_000_000)), "learned_positions": draw(_edge_int(0, 100_000_000)),
             "experts": 0, "attention": draw(st.sampled_from(["full", "sliding", "linear"])),
             "window": draw(_edge_int(1, 100_000_000)), "sliding_fraction": draw(_edge_float(0.0, 1.0))}
    hw = {**presets.device(draw(st.sampled_from(HW_IDS))).to_dict(),
          "memory_gib": draw(_edge_float(0.01, 1e6)), "bandwidth_gbs": draw(_edge_float(0.1, 1e6)),
          "tdp_w": draw(_edge_float(0.1, 1e6)), "interconnect_gbs": draw(_edge_float(0.01, 1e6)),
          "interconnect_latency_us": draw(_edge_float(0.0, 1e6)), "eta_memory": draw(_edge_float(0.01, 1.0)),
          "tflops": {draw(st.sampled_from(["fp16", "fp32", "int8"])): draw(_edge_float(0.001, 1e7))}}
    return {"version": 1, "model": model, "hardware": hw,
            "weights": draw(st.sampled_from(["fp16", "fp32", "fp8", "q4_0", "int8"])),
            "devices": draw(st.sampled_from([1, 1, 2, 4, 8, 1024])), "parallel": draw(st.sampled_from(["tensor", "pipeline"])),
            "batch": draw(_edge_int(1, 65_536)), "prompt": draw(_edge_int(0, 10_000_000)),
            "generate": draw(_edge_int(0, 10_000_000)), "kv_cache": draw(st.booleans()),
            "eta_compute": draw(st.one_of(st.none(), _edge_float(0.01, 1.0))),
            "eta_memory": draw(st.one_of(st.none(), _edge_float(0.01, 1.0))),
            "price_per_hour": draw(st.one_of(st.none(), _edge_float(0.0, 10_000.0)))}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(in_range_scenarios())
def test_every_accepted_in_range_scenario_gives_finite_positive_figures(table):
    test_accepted_means_finite_refused_means_one_line_naming_the_field.hypothesis.inner_test(table)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SCENARIO_KEYS[3:]), st.one_of(nasty, plausible))
def test_one_field_edit_either_applies_or_names_that_field(name, value):
    base = Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("h100-sxm"))
    try:
        s = base.with_(**{name: value})
    except ScenarioError as exc:
        assert name in str(exc) or "prompt + generate" in str(exc) or "parallel" in str(exc), str(exc)
        return
    check_outputs(s)


def test_the_reported_cases_are_refused_by_name():
    base = presets.model("gpt-2-small") if "gpt-2-small" in presets.models() else presets.model("llama-2-7b")
    hw = presets.device("h100-sxm")
    cases = {
        "learned_positions": lambda: base.edited(learned_positions=-10**20),
        "head_dim": lambda: base.edited(head_dim=1e308),
        "interconnect_gbs": lambda: hw.edited(interconnect_gbs=float("nan")),
        "gated": lambda: base.edited(gated="no"),
        "bandwidth_gbs": lambda: hw.edited(bandwidth_gbs=1e308),
        "tflops.fp16": lambda: hw.edited(tflops={"fp16": "abc"}),
    }
    for field, make in cases.items():
        with pytest.raises(ValueError, match=re.escape(field)):
            make()
    with pytest.raises(ScenarioError, match="version"):
        Scenario.from_dict({"version": True, "model": "llama-2-7b", "hardware": "h100-sxm"})


def test_a_name_with_a_line_break_never_breaks_the_one_line_message():
    """Found by the property test above: a model named "\\n" with a bad field gave two lines."""
    import dataclasses

    from explorer.core.specs.hardware import HardwareError
    from explorer.core.specs.model import SpecError
    for make, error in ((lambda: dataclasses.replace(presets.model("llama-2-7b"), name="\n", attention="x"), SpecError),
                        (lambda: dataclasses.replace(presets.device("rtx-4090"), name="a\x1b[2J", bandwidth_gbs=-1),
                         HardwareError)):
        with pytest.raises(error) as info:
            make()
        assert "\n" not in str(info.value) and "\x1b" not in str(info.value)
