"""A runtime only loads some formats: a scenario outside them is flagged, never silently 'measured'.

Independent facts (each runtime's documentation): llama.cpp loads GGUF tensor types (Q4_0, Q8_0,
F16, …), not AWQ/GPTQ INT4-g128 or FP8 checkpoints, and its KV cache types are f32/f16/bf16/q8_0/
q4_0…, not FP8; vLLM loads AWQ INT4 and keeps an FP8 KV cache; the ideal roofline has no software.
"""

from explorer.core.engine.estimate import estimate
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario


def _s(runtime, weights, kv, model="llama-2-7b", hardware="rtx-4090"):
    return Scenario(model=presets.model(model), hardware=presets.device(hardware), weights=weights, kv=kv,
                    runtime=runtime)


def test_llama_cpp_with_awq_and_fp8_kv_is_flagged():
    w = estimate(_s("llama-cpp-cuda", "int4-g128", "fp8-e4m3")).warnings
    assert any("does not load int4-g128 weights" in x for x in w)
    assert any("no fp8-e4m3 KV cache" in x for x in w)


def test_formats_the_runtime_loads_are_not_flagged():
    assert estimate(_s("llama-cpp-cuda", "q4_0", "fp16")).warnings == ()
    assert estimate(_s("vllm", "int4-g128", "fp8-e4m3")).warnings == ()
    assert estimate(_s("ideal", "int4-g128", "fp8-e4m3")).warnings == ()


def test_mixture_of_experts_speeds_are_marked_uncalibrated():
    w = estimate(_s("vllm", "fp16", "fp16", model="mixtral-8x7b", hardware="h100-sxm")).warnings
    assert any("uncalibrated" in x for x in w)
    assert not any("uncalibrated" in x for x in estimate(_s("vllm", "fp16", "fp16", hardware="h100-sxm")).warnings)


def test_every_runtime_parameter_names_its_source():
    """DESIGN: 'Efficiency defaults must be documented with their source' — every figure a runtime
    profile sets (not its name or which devices it runs on) has a line in its [<id>.sources]."""
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("explorer.data").joinpath("runtimes.toml").read_text("utf-8"))
    labels = {"name", "description", "devices", "vendors", "default_for", "sources", "ideal"}
    for rid, table in data.items():
        sources = table.get("sources", {})
        if "all" in sources:
            continue
        missing = sorted(k for k in table if k not in labels and k not in sources)
        assert not missing, f"{rid}: no source for {missing}"
