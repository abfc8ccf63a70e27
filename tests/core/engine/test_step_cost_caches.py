"""The caches behind a warm ``estimate()`` (engine/resolved.py, point.py, assembly.py): what resolve()
computes once per resolution key, the point path's per-key constants and per-batch decode figures,
the per-key parts of the Estimate, and the mean decode's sample grid per generation length. Each
test warms the caches with one scenario, changes one input, and checks the answer changed the way a
hand derivation (or the uncached computation) says — a cache keyed on too little would return the
first scenario's figures."""

from dataclasses import fields, replace

import pytest

from explorer.core.engine import resolved
from explorer.core.engine.estimate import estimate
from explorer.core.engine.sweep import estimate_vectorized
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

GB = 1e9


def _base(**changes) -> Scenario:
    s = Scenario(model=presets.model("llama-3.1-8b"), hardware=presets.device("h100-sxm"), runtime="vllm",
                 prompt=1000, generate=300)
    return s.with_(**changes) if changes else s


def _figures(r) -> dict:
    return {f.name: getattr(r, f.name) for f in fields(r) if f.name != "shared"}


# One different, valid value for every Scenario field: resolve() must give what the uncached
# computation gives after any one of them changes, whether the field is part of its key or not.
CHANGES = {
    "model": presets.model("llama-2-7b"), "hardware": presets.device("a100-80gb-sxm"), "weights": "fp8-e4m3",
    "kv": "fp8-e4m3", "compute": "fp8-e4m3", "devices": 2, "parallel": "pipeline", "batch": 7, "prompt": 50,
    "generate": 9, "kv_cache": False, "eta_compute": 0.3, "eta_memory": 0.4, "price_per_hour": 9.0,
    "runtime": "ideal", "load_kind": "rate", "load": 3.0, "burstiness": 2.0, "think_s": 1.0,
    "lengths": "uniform", "length_spread": 0.5, "slo_ttft_ms": 10.0, "slo_tpot_ms": 5.0, "slo_percentile": 99,
}


def test_every_scenario_field_is_covered_by_the_key_test():
    assert set(CHANGES) == {f.name for f in fields(Scenario)}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_resolve_after_a_warm_call_equals_the_uncached_resolution(field):
    s = _base()
    resolved.resolve(s)  # warm
    changed = s.with_(**{field: CHANGES[field]})
    r = resolved.resolve(changed)
    assert r.scenario is changed
    assert _figures(r) == _figures(resolved._resolve(changed))


def test_a_changed_runtime_or_device_changes_the_resolution_by_hand():
    s = _base()
    r = resolved.resolve(s)
    assert (r.eta_memory, r.eta_compute) == (0.70, 0.55)  # vLLM in runtimes.toml
    assert r.seq_overhead == pytest.approx(10e-6, rel=1e-12)
    ideal = resolved.resolve(s.with_(runtime="ideal"))
    assert (ideal.eta_memory, ideal.kv_read, ideal.seq_overhead, ideal.gemm_half) == (1.0, 1.0, 0.0, 0.0)
    assert resolved.resolve(s).eta_memory == 0.70  # and back: the first key's figures are still its own
    assert r.bandwidth == 3350 * GB and resolved.resolve(s.with_(hardware=presets.device("a100-80gb-sxm"))).bandwidth \
        == 2039 * GB  # data-sheet figures in hardware.toml


def test_an_edited_model_is_a_new_key():
    s = _base()
    r = resolved.resolve(s)
    half = s.model.edited(layers=16)
    r2 = resolved.resolve(s.with_(model=half))
    # Decode overhead: kernels per pass ∝ layers (no LM-head term; vLLM pass_ms = 0): half the layers, half of it.
    assert r2.decode_overhead == pytest.approx(r.decode_overhead / 2, rel=1e-12)
    # An equal spec is the same key: same figures whatever the object.
    assert _figures(resolved.resolve(s.with_(model=replace(s.model)))) == _figures(r)


def test_spec_hash_follows_its_fields():
    m = presets.model("llama-3.1-8b")
    assert hash(m) == hash(replace(m)) and m == replace(m)
    assert hash(m.edited(layers=16)) != hash(m)
    hw = presets.device("h100-sxm")
    assert hash(hw) == hash(replace(hw)) and hash(replace(hw, bandwidth_gbs=1000.0)) != hash(hw)


def test_estimates_after_warm_calls_follow_each_change():
    """Warm every cache with one scenario, then change batch, lengths, KV cache, formats, layout,
    device and runtime one after another (and back): each estimate equals the vectorized path's."""
    s = _base(batch=8)
    sequence = [s, s.with_(batch=64), s.with_(batch=8, prompt=5000), s.with_(generate=100), s.with_(generate=4000),
                s.with_(generate=300), s.with_(kv_cache=False), s.with_(weights="int4-g128"), s.with_(kv="fp8-e4m3"),
                s.with_(devices=4), s.with_(devices=4, parallel="pipeline"), s.with_(runtime="ideal"),
                s.with_(hardware=presets.device("a100-80gb-sxm")), s]
    for q in sequence:
        fast, vec = estimate(q), estimate_vectorized(q)
        for name in fast.__dataclass_fields__:
            a, b = getattr(fast, name), getattr(vec, name)
            if isinstance(a, float):
                assert a == pytest.approx(b, rel=1e-12), (name, q)
            else:
                assert a == b, (name, q)


def test_per_key_estimate_figures_by_hand():
    s = _base()
    assert estimate(s).kv_bytes_per_token == 2 * 32 * 8 * 128 * 2  # 2 · layers · KV heads · head dim · FP16 bytes
    assert estimate(s.with_(kv="fp8-e4m3")).kv_bytes_per_token == 2 * 32 * 8 * 128 * 1
    assert estimate(s).warnings == ()
    assert any("q4_k_m" in w for w in estimate(s.with_(runtime="tensorrt-llm", weights="q4_k_m")).warnings)
    assert estimate(s).warnings == ()
    # The ridge of the achievable roofs: peak · η_compute ÷ (bandwidth · η_memory), H100 then A100 (dense FP16).
    assert estimate(s).ridge_intensity == pytest.approx(989.4e12 * 0.55 / (3350e9 * 0.70), rel=1e-3)
    a100 = estimate(s.with_(hardware=presets.device("a100-80gb-sxm")))
    assert a100.ridge_intensity == pytest.approx(312e12 * 0.55 / (2039e9 * 0.70), rel=1e-3)
    # The trained context: a warning once prompt + generation exceed it, naming the length.
    long = estimate(s.with_(prompt=131_072))
    assert any("131,372 tokens exceeds" in w for w in long.warnings)


def test_a_profile_swapped_under_the_same_id_is_not_answered_from_the_memo(monkeypatch):
    """The calibration scripts fit a runtime's constants by swapping its profile under the same ID:
    resolve()'s memo must not hand back the figures of the profile it replaced (it did, keyed by ID,
    which made every fit a no-op). By hand: 5 ms more host time per pass adds 5 ms to a token."""
    from dataclasses import replace as dc_replace

    from explorer.core.engine.estimate import estimate
    from explorer.core.specs import presets
    from explorer.core.state.scenario import default_scenario

    s = default_scenario().with_(runtime="vllm", hardware=presets.device("h100-sxm"), weights="bf16", kv="bf16",
                                 compute="bf16")
    before = estimate(s).tpot_s
    table = dict(presets.runtimes())
    table["vllm"] = dc_replace(table["vllm"], pass_ms=table["vllm"].pass_ms + 5.0)
    monkeypatch.setattr(presets, "runtimes", lambda: table)
    after = estimate(s).tpot_s
    assert after - before == pytest.approx(5e-3, rel=1e-6)
