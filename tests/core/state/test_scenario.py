"""Scenario: immutable, validated, JSON round trip, clear errors for bad files."""

import dataclasses

import pytest

from explorer.core.specs import presets
from explorer.core.state.scenario import (
    LIMITS,
    Scenario,
    ScenarioError,
    default_scenario,
)


def test_default_is_the_essays_consumer_setup():
    # The essay's consumer card with a 7B model in FP16: 6.74e9 × 2 B = 12.6 GiB fits in
    # 24 GiB, and one sequence is memory-bound (bytes per token / bandwidth dominates).
    from explorer.core.engine.estimate import estimate
    s = default_scenario()
    e = estimate(s)
    assert s.hardware.memory_gib == 24 and e.weight_bytes / 2**30 == pytest.approx(12.55, abs=0.01)
    assert e.fits and e.bound == "memory" and s.batch == 1


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_scenario().batch = 3


def test_json_round_trip_including_custom_specs():
    s = default_scenario().with_(model=presets.model("mixtral-8x7b").edited(layers=8), weights="q4_0",
                                 batch=4, eta_memory=0.5)
    assert Scenario.from_json(s.to_json()) == s


def test_preset_ids_accepted_in_files():
    s = Scenario.from_dict({"version": 1, "model": "llama-3-8b", "hardware": "h100-sxm"})
    assert s.model == presets.model("llama-3-8b")


@pytest.mark.parametrize("text,fragment", [
    ("{", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"version": 99, "model": "llama-3-8b", "hardware": "h100-sxm"}', "version"),
    ('{"version": 1, "model": "llama-3-8bx", "hardware": "h100-sxm"}', "llama-3-8b"),
    ('{"version": 1, "model": "llama-3-8b", "hardware": "h100-sxm", "batch": -1}', "batch"),
    ('{"version": 1, "model": "llama-3-8b", "hardware": "h100-sxm", "batch": 1.5}', "whole number"),
    ('{"version": 1, "model": "llama-3-8b", "hardware": "h100-sxm", "weights": "tf32"}', "cannot be used for weights"),
    ('{"version": 1, "model": "llama-3-8b", "hardware": "h100-sxm", "colour": 3}', "unknown scenario field"),
    ('{"version": 1, "model": {"id": "x"}, "hardware": "h100-sxm"}', "missing"),
])
def test_bad_files_give_one_line(text, fragment):
    with pytest.raises(ScenarioError) as exc:
        Scenario.from_json(text)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_limits_cover_numeric_fields():
    assert {"batch", "prompt", "generate", "devices"} <= set(LIMITS)
