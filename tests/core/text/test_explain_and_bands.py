"""Formula inspector text and bands: what they say and that the bands hold ~80 % of the data."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.engine import bands
from explorer.core.engine.estimate import estimate
from explorer.core.features.validation import validate_text
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario
from explorer.core.text.explain import explain, explain_text
from explorer.resources import path as resource_path


def scen(**kw) -> Scenario:
    return Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("rtx-4090"), **kw)


def test_explain_names_every_input_with_its_source_and_value():
    s = scen(prompt=512, generate=128)
    parts = explain(s)
    assert list(parts) == ["decode", "prefill", "output", "memory", "energy"]
    dec = parts["decode"]
    names = {i.name: i for i in dec.inputs}
    assert names["peak bandwidth"].value == "1,008 GB/s"
    assert "data sheet" in names["peak bandwidth"].source
    # llama.cpp on GeForce: the FP16-accumulate peak, and it says why.
    assert names["peak FP16 (FP16-accumulate)"].value == "330 TFLOP/s"
    assert "CUBLAS_COMPUTE_16F" in names["peak FP16 (FP16-accumulate)"].source
    assert names["η memory"].value == f"{presets.runtime('llama-cpp-cuda').eta_memory['consumer-gpu']:.2f}"
    assert "Fitted" in names["η memory"].source
    est = estimate(s)
    assert f"{est.decode_tokens_per_s:,.4g} tokens/s" in dec.result
    text = explain_text(s)
    assert "formula: time per token = max(matmul FLOPs" in text and "band:" in text


def test_user_set_efficiency_is_reported_as_such():
    names = {i.name: i for i in explain(scen(eta_memory=0.5))["decode"].inputs}
    assert names["η memory"].value == "0.50" and names["η memory"].source == "set in the scenario"


def test_prompt_only_scenario_has_no_decode_entry():
    parts = explain(scen(prompt=512, generate=0))
    assert "decode" not in parts and "nothing generated" in parts["output"].result


def test_band_is_typical_times_the_runtime_ratios():
    rt = presets.runtime("llama-cpp-metal")
    b = bands.speed(100.0, rt)
    assert (b.low, b.typical, b.high) == pytest.approx((100 * rt.band["floor"], 100, 100 * rt.band["ceiling"]))
    t = bands.time(2.0, rt)  # a faster run takes less time
    assert t.low == pytest.approx(2.0 / rt.band["ceiling"]) and t.high == pytest.approx(2.0 / rt.band["floor"])
    assert bands.speed(5.0, presets.runtime("ideal")).text(str) == "5.0"


def test_about_80_percent_of_calibration_rows_fall_inside_their_band():
    rows = validate_text(resource_path("validation", "published_measurements.csv").read_text(encoding="utf-8"))
    by_runtime: dict[str, list[bool]] = {}
    for r in rows:
        rt = presets.runtime(r.runtime)
        b = (bands.time if r.metric in ("ttft_ms", "tpot_ms") else bands.speed)(r.predicted, rt)
        by_runtime.setdefault(r.runtime, []).append(b.low * (1 - 1e-9) <= r.measured <= b.high * (1 + 1e-9))
    for rid, inside in by_runtime.items():
        if len(inside) < 20:  # too few rows to judge a share (the current llama.cpp CUDA builds: 6)
            continue
        share = float(np.mean(inside))
        assert 0.75 <= share <= 0.9, f"{rid}: {share:.0%} of calibration rows inside the band"
    pooled = float(np.mean([x for v in by_runtime.values() for x in v]))
    assert 0.75 <= pooled <= 0.9
