"""Presets are shared values: the cached tables and every spec's tables refuse writes, and a
Scenario (which holds a device and a model) hashes, so it can key a cache."""

import copy
import pickle

import pytest

from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario


def test_a_devices_tables_cannot_be_changed_in_place():
    hw = presets.device("h100-sxm")
    fp16 = hw.tflops["fp16"]
    with pytest.raises(TypeError):
        hw.tflops["fp16"] = 1.0
    with pytest.raises(TypeError):
        hw.sources["tflops"] = "made up"
    with pytest.raises((TypeError, AttributeError)):
        hw.tflops.update(fp16=1.0)
    assert presets.device("h100-sxm").tflops["fp16"] == fp16  # the cached preset is as it was


def test_a_runtimes_tables_cannot_be_changed_in_place():
    rt = presets.runtime("vllm")
    for name in ("eta_memory", "eta_compute", "decode_format", "prefill_format", "band", "sources"):
        with pytest.raises(TypeError):
            getattr(rt, name)["x"] = 0.5


def test_the_cached_preset_tables_cannot_be_changed():
    for table in (presets.models(), presets.hardware(), presets.formats(), presets.runtimes()):
        with pytest.raises(TypeError):
            table["rtx-4090"] = None
    with pytest.raises(TypeError):
        presets.efficiency("datacenter-gpu")["usable_fraction"] = 1.0
    assert "rtx-4090" in presets.hardware()


def test_scenarios_hash_and_equal_ones_hash_alike():
    a, b = default_scenario(), default_scenario()
    assert a == b and hash(a) == hash(b)
    c = a.with_(hardware=presets.device("h100-sxm"))
    assert len({a, b, c}) == 2
    # A spec's tables compare equal to plain dicts (files and tests write them so) and survive copies.
    hw = presets.device("rtx-4090")
    assert hw.tflops == dict(hw.tflops) and isinstance(hw.to_dict()["tflops"], dict)
    assert copy.deepcopy(hw) == hw and pickle.loads(pickle.dumps(a)) == a
