"""'This machine': a measured preset — positive, repeatable within the stated tolerance, usable."""

from __future__ import annotations

import json
import os

import pytest

from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets, this_machine
from explorer.core.state.scenario import Scenario

QUICK = {"array_mib": 64, "reps": 3, "matmul_seconds": 0.1}


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv(this_machine.ENV_DIR, str(tmp_path))
    return tmp_path


FIGURES = ("bandwidth_gbs", "fp32_tflops", "fp64_tflops")


def _spread(a, b) -> float:
    return max(max(getattr(a, n), getattr(b, n)) / min(getattr(a, n), getattr(b, n)) for n in FIGURES)


@pytest.fixture(scope="module")
def two_runs():
    """Two runs that agree within REPEAT_TOLERANCE. The tolerance is stated for an otherwise idle
    machine; other programs hogging the cores (a shared CI box) can upset one pair, so up to
    three pairs are tried — a measurement that never repeats fails."""
    pairs = []
    for _ in range(3):
        pair = this_machine.measure(**QUICK), this_machine.measure(**QUICK)
        pairs.append(pair)
        if _spread(*pair) <= this_machine.REPEAT_TOLERANCE:
            break
    return min(pairs, key=lambda p: _spread(*p))


def _busy() -> bool:
    """More runnable work than cores: other programs own the CPUs and no timing repeats."""
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1)
    except (OSError, AttributeError):  # no load average (Windows)
        return False


def test_measured_figures_are_positive(two_runs):
    for m in two_runs:
        assert m.copy_gbs > 0 and m.triad_gbs > 0 and m.fp32_tflops > 0 and m.fp64_tflops > 0
        assert m.memory_gib > 0.5
    assert two_runs[0].memory_gib == two_runs[1].memory_gib


def test_measured_figures_repeat_within_the_stated_tolerance(two_runs):
    a, b = two_runs
    if _spread(a, b) > this_machine.REPEAT_TOLERANCE and _busy():
        pytest.skip(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: repeatability "
                    "is stated for an otherwise idle machine")
    assert _spread(a, b) <= this_machine.REPEAT_TOLERANCE, f"{a} vs {b}"


def test_progress_is_reported_and_cancel_stops(config):
    seen = []
    with pytest.raises(this_machine.Cancelled):
        this_machine.measure(progress=lambda f, what: seen.append(f), cancelled=lambda: len(seen) >= 2, **QUICK)
    assert seen == sorted(seen) and len(seen) == 2


def test_saved_preset_works_in_estimate(config, two_runs):
    with pytest.raises(presets.UnknownPreset, match="run 'inference-explorer measure'"):
        presets.device("this-machine")
    m = two_runs[0]
    where = this_machine.save(m)
    assert json.loads(where.read_text())["date"] == m.date
    hw = presets.device("this-machine")
    assert hw.bandwidth_gbs == pytest.approx(m.bandwidth_gbs, rel=1e-2) and hw.category == "cpu"
    s = Scenario(model=presets.model("llama-3.2-1b"), hardware=hw, prompt=16, generate=16)
    est = estimate(s)
    assert est.runtime == "ideal"  # measured figures are achieved rates: η = 1
    # A step can be no faster than streaming its bytes at the measured bandwidth, and no slower
    # than doing that and all its FLOPs (at the measured FP32 rate) one after the other.
    stream = est.bytes_per_token / (hw.bandwidth_gbs * 1e9)
    flops = est.flops_per_token / (hw.tflops["fp32"] * 1e12)
    assert stream * 0.99 <= est.tpot_s <= (stream + flops) * 1.01


def test_a_damaged_file_is_ignored(config):
    (config / "this-machine.json").write_text("{not json", encoding="utf-8")
    assert this_machine.load() is None


GOOD = {"copy_gbs": 20.0, "triad_gbs": 22.0, "fp32_tflops": 0.5, "fp64_tflops": 0.25, "memory_gib": 16.0,
        "cpu": "Test CPU", "date": "2026-01-01T00:00:00+00:00", "seconds": 5.0, "matmul_n": 2048, "array_mib": 256}


@pytest.mark.parametrize("field", ["copy_gbs", "fp32_tflops", "memory_gib", "seconds", "matmul_n"])
@pytest.mark.parametrize("bad", ["1" + "0" * 400, "1e999", "-1e999", "NaN", "Infinity", '"fast"', "true"])
def test_a_file_with_absurd_numbers_is_ignored_wherever_hardware_is_listed(config, field, bad):
    text = json.dumps({**GOOD, field: 0}).replace(f'"{field}": 0', f'"{field}": {bad}')
    (config / "this-machine.json").write_text(text, encoding="utf-8")
    assert this_machine.load() is None
    with pytest.raises(presets.UnknownPreset, match="no measurement of this machine yet"):
        presets.device("this-machine")


def test_a_good_file_is_listed(config):
    (config / "this-machine.json").write_text(json.dumps(GOOD), encoding="utf-8")
    assert presets.device("this-machine").bandwidth_gbs == 22.0


@pytest.mark.parametrize("gbs", [0.449, 2.24, 51.26, 819.4])
def test_the_preset_keeps_the_measured_bandwidth_to_half_a_percent(gbs):
    # Rounded to 0.1 GB/s, a busy machine's 2.24 GB/s became 2.2 (−1.8 %) and 0.449 became 0.4 (−11 %).
    m = this_machine.Measurement(copy_gbs=gbs, triad_gbs=gbs * 0.9, fp32_tflops=0.1, fp64_tflops=0.05,
                                 memory_gib=16.0, cpu="test", date="2026-12-02T00:00:00Z", seconds=5.0)
    assert m.to_hardware().bandwidth_gbs == pytest.approx(gbs, rel=5e-3)
