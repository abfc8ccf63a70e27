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
    two_sig = f"{float(f'{est.decode_tokens_per_s:.2g}'):,g}"  # written by hand: 59.49 -> '59'
    assert dec.result.startswith(f"{two_sig} tokens/s per sequence")
    text = explain_text(s)
    assert "formula: time per token = max(matmul FLOPs" in text
    assert "uncalibrated: only 6 calibration rows" in text  # llama.cpp CUDA current builds: no band
    assert "band:" in explain_text(s.with_(runtime="llama-cpp-cuda-2023"))


def test_user_set_efficiency_is_reported_as_such():
    names = {i.name: i for i in explain(scen(eta_memory=0.5))["decode"].inputs}
    assert names["η memory"].value == "0.50" and names["η memory"].source == "set in the scenario"


def test_prompt_only_scenario_has_no_decode_entry():
    parts = explain(scen(prompt=512, generate=0))
    assert "decode" not in parts and "nothing generated" in parts["output"].result


def test_band_is_typical_times_the_held_out_ratios():
    s = Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("m2-max"), prompt=512, generate=128)
    cov = bands.coverage(s)
    cal = presets.calibration()["llama-cpp-metal"]
    assert cov.calibrated and (cov.floor, cov.ceiling) == (cal.floor, cal.ceiling)
    b = bands.speed(100.0, cov)
    assert (b.low, b.typical, b.high) == pytest.approx((100 * cal.floor, 100, 100 * cal.ceiling))
    t = bands.time(2.0, cov)  # a faster run takes less time
    assert t.low == pytest.approx(2.0 / cal.ceiling) and t.high == pytest.approx(2.0 / cal.floor)
    ideal = bands.coverage(s.with_(runtime="ideal"))
    assert ideal.ideal and bands.speed(5.0, ideal) is None


HELD_OUT = resource_path("validation", "held_out.csv")
SPEEDS = ("decode_tokens_per_s", "prefill_tokens_per_s", "output_tokens_per_s")


def _held_out_rows() -> list[dict]:
    import csv
    with HELD_OUT.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _speed_ratio(metric, measured, predicted):
    return measured / predicted if metric in SPEEDS else predicted / measured


def test_every_band_is_the_10_to_90_percent_range_of_held_out_errors_not_in_sample_ones():
    rows = _held_out_rows()
    current = {r.index + 1: r for r in validate_text(
        resource_path("validation", "published_measurements.csv").read_text(encoding="utf-8"))}
    assert len(rows) == len(current)
    # The file is fresh: its in-sample column is what the shipped model predicts today.
    for h in rows:
        assert float(h["in_sample"]) == pytest.approx(current[int(h["line"])].predicted, rel=2e-3), h
    held_moves = 0
    for rid, cal in presets.calibration().items():
        mine = [h for h in rows if h["runtime"] == rid]
        assert cal.rows == len(mine)
        if not cal.has_band:
            continue
        held = [_speed_ratio(h["metric"], float(h["measured"]), float(h["held_out"])) for h in mine]
        insample = [_speed_ratio(h["metric"], float(h["measured"]), float(h["in_sample"])) for h in mine]
        assert cal.floor == pytest.approx(np.percentile(held, 10), abs=1e-3), rid
        assert cal.ceiling == pytest.approx(np.percentile(held, 90), abs=1e-3), rid
        assert (cal.floor, cal.ceiling) != pytest.approx((np.percentile(insample, 10), np.percentile(insample, 90)),
                                                         abs=1e-3), f"{rid}: band equals the in-sample spread"
        held_moves += sum(abs(a / b - 1) > 1e-3 for a, b in zip(held, insample))
    # Held out means refitted without the row's dataset: most predictions move.
    assert held_moves > 0.5 * len(rows)


def test_a_runtime_with_fewer_than_10_rows_shows_no_band():
    few = {rid: cal for rid, cal in presets.calibration().items() if cal.rows < bands.MIN_ROWS}
    assert "llama-cpp-cuda" in few  # the 2025 scoreboard: 6 rows
    for rid, cal in few.items():
        assert not cal.has_band
    s = scen(prompt=512, generate=128)  # RTX 4090: llama.cpp (CUDA), current builds
    cov = bands.coverage(s)
    assert not cov.calibrated and "only 6 calibration rows" in cov.label()
    assert bands.speed(100.0, cov) is None and bands.time(1.0, cov) is None
    assert all(v is None for v in bands.table(s, estimate(s)).values())


@pytest.mark.parametrize("changes, reason", [
    (dict(hardware="h100-sxm", runtime="vllm"), "no calibration rows for vLLM"),
    (dict(hardware="m2-max", model="mixtral-8x7b", weights="q4_0"), "mixture of experts"),
    (dict(hardware="h200", model="deepseek-v3", runtime="tensorrt-llm", weights="fp8-e4m3", devices=8),
     "latent attention"),
    (dict(hardware="h100-sxm", runtime="tensorrt-llm", model="llama-2-70b", devices=16), "16 devices"),
    (dict(hardware="h100-sxm", runtime="tensorrt-llm", prompt=16384), "a prompt over 8k tokens"),
    (dict(hardware="b200", runtime="tensorrt-llm"), "NVIDIA Blackwell"),
    (dict(hardware="mi300x", runtime="transformers"), "no calibration rows"),
    # Every llama.cpp row is F16, Q8_0 or Q4_0: a K-quant's unpacking cost is modelled, not measured.
    (dict(hardware="m2-max", weights="q4_k_m"), "GGUF Q4_K_M weights"),
])
def test_scenarios_the_rows_do_not_cover_say_uncalibrated_and_show_no_band(changes, reason):
    kw = {k: (presets.model(v) if k == "model" else presets.device(v) if k == "hardware" else v)
          for k, v in changes.items()}
    s = Scenario(**{"model": presets.model("llama-2-7b"), "hardware": presets.device("m2-max"),
                    "prompt": 512, "generate": 128, **kw})
    cov = bands.coverage(s)
    assert not cov.calibrated and reason in cov.label(), cov.label()
    assert bands.speed(10.0, cov) is None
    assert "uncalibrated" in explain_text(s) and "band:" not in explain_text(s)


def test_the_inspector_says_how_many_rows_calibrate_the_number_it_explains():
    import csv
    with resource_path("validation", "published_measurements.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    apple = {k for k, v in presets.hardware().items() if v.category == "apple-soc"}
    n_decode = sum(r["runtime"] == "llama.cpp" and r["hardware"] in apple and r["metric"] == "decode_tokens_per_s"
                   for r in rows)
    n_all = sum(r["runtime"] == "llama.cpp" and r["hardware"] in apple for r in rows)
    s = Scenario(model=presets.model("llama-2-7b"), hardware=presets.device("m2-max"), prompt=512, generate=128)
    parts = explain(s)
    assert f"{n_decode} decode rows of llama-cpp-metal ({n_all} in all)" in parts["decode"].calibration
    assert "band:" in parts["decode"].text() and "calibration:" in parts["decode"].text()
