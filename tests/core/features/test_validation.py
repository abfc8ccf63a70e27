"""`validate`: predicted vs published measurements, and a guard on how close we got."""

from __future__ import annotations

import pytest

from explorer.core.features.validation import (
    ValidationFileError,
    read_rows,
    summary,
    validate_text,
)
from explorer.resources import path as resource_path

# Median |error| reached on resources/validation/published_measurements.csv (in-sample: those
# rows fitted the runtime profiles' fitted parameters), rounded up by half a point. A change
# that makes any metric worse fails here; improve the model, then tighten these.
# output_tokens_per_s 0.084 → 0.086: the all-reduce as latency + size/bandwidth per fabric replaced the
# TensorRT-LLM rows' own fitted link_efficiency (in-sample 7.8 % → 8.5 %; held out, leaving an engine
# out, the tensor-parallel rows went 13.3 % → 9.7 %: README, "Tensor parallel: the all-reduce").
REACHED = {"decode_tokens_per_s": 0.062, "prefill_tokens_per_s": 0.038, "ttft_ms": 0.121,
           "output_tokens_per_s": 0.086}


@pytest.fixture(scope="module")
def published():
    return validate_text(resource_path("validation", "published_measurements.csv").read_text(encoding="utf-8"))


def test_every_published_row_is_predicted(published):
    assert len(published) == 282
    assert [r.reason for r in published if r.reason] == []


def test_no_measurement_is_listed_twice():
    # Two rows with the same scenario, metric and value are one measurement counted twice (a
    # transcription copied into two datasets): it would weigh double in every fit and error.
    from explorer.core.features.validation import COLUMNS
    text = resource_path("validation", "published_measurements.csv").read_text(encoding="utf-8")
    seen: dict[tuple, int] = {}
    dupes = []
    for i, f in enumerate(read_rows(text), start=2):
        key = tuple(f.get(c, "") for c in COLUMNS)
        if key in seen:
            dupes.append(f"line {i} repeats line {seen[key]}")
        seen.setdefault(key, i)
    assert dupes == []


@pytest.mark.parametrize("metric", sorted(REACHED))
def test_median_error_does_not_grow(published, metric):
    got = summary(published)["by_metric"][metric]["median_abs_error"]
    assert got <= REACHED[metric], f"{metric}: median |error| {got:.1%} > {REACHED[metric]:.1%}"


def test_rtx_4090_f16_decode_row_by_hand(published):
    # Row: llama.cpp llama-bench tg128, Llama-2-7B F16 on an RTX 4090 (PR #4766): 61.03 tokens/s.
    row = next(r for r in published if r.fields["hardware"] == "rtx-4090" and r.fields["weights"] == "fp16"
               and r.metric == "decode_tokens_per_s" and r.fields["dataset"] == "B_llamacpp_cuda_PR")
    assert row.measured == 61.03
    assert row.error == pytest.approx(row.predicted / 61.03 - 1)
    assert abs(row.error) < 0.1


USER_CSV = """model,hardware,runtime,weights,kv,devices,parallel,batch,prompt,generate,metric,value,comment
llama-3-8b,rtx-4090,llama.cpp,q4_0,fp16,1,,1,0,128,decode_tokens_per_s,120,mine
llama-3-8b,rtx-4090,vllm,fp16,fp16,1,,32,512,256,output_tokens_per_s,1500,mine
gpt-5,rtx-4090,,fp16,fp16,1,,1,512,0,prefill_tokens_per_s,9000,unknown model
llama-3-8b,rtx-4090,,fp16,fp16,1,,1,512,0,latency,3,unknown metric
llama-3-8b,rtx-4090,,fp16,fp16,1,,1,0,128,prefill_tokens_per_s,100,no prompt
llama-3-8b,m2-ultra,llama.cpp,fp16,fp16,1,,1,512,0,ttft_ms,abc,bad value
"""


def test_a_user_file_lists_every_row_with_a_prediction_or_a_reason():
    rows = validate_text(USER_CSV)
    assert len(rows) == 6
    assert rows[0].runtime == "llama-cpp-cuda" and rows[0].error is not None
    assert rows[1].runtime == "vllm" and rows[1].predicted > 0
    assert "unknown model 'gpt-5'" in rows[2].reason
    assert "unknown metric 'latency'" in rows[3].reason
    assert "needs prompt > 0" in rows[4].reason
    assert "value must be a number" in rows[5].reason
    s = summary(rows)
    assert (s["rows"], s["predicted"], s["unpredicted"]) == (6, 2, 4)


def test_missing_columns_are_named():
    with pytest.raises(ValidationFileError, match="missing column\\(s\\): metric, value"):
        read_rows("model,hardware,weights,kv,devices,parallel,batch,prompt,generate\n")
