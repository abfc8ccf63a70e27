"""The command line as a user runs it: real subprocesses for exit codes and stderr."""

import csv
import json
import subprocess
import sys

import pytest

from explorer.core.specs import presets


def run(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=timeout)


def test_list_models_json_has_required_ids():
    out = run("list", "models", "--json")
    assert out.returncode == 0
    ids = json.loads(out.stdout)
    for key in ("llama-2-7b", "llama-3-8b", "llama-3.1-70b", "mixtral-8x7b", "gpt-3-175b"):
        assert key in ids


def test_list_hardware_and_formats_text():
    hw = run("list", "hardware")
    assert hw.returncode == 0 and "m2-ultra" in hw.stdout and "unified" in hw.stdout
    fm = run("list", "formats")
    assert fm.returncode == 0 and "q4_k_m" in fm.stdout


def test_estimate_json_fields_and_semantics():
    out = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--weights", "q4_0",
              "--batch", "1", "--prompt", "512", "--generate", "128", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["fits"] is True and d["bound"] == "memory"
    # llama-bench prints "3.56 GiB" for Llama-2-7B Q4_0 (output tensor in Q6_K).
    assert d["weight_bytes"] / 2**30 == pytest.approx(3.56, rel=0.01)
    # A prefill can never beat the data sheet: 512 tokens × 2 FLOPs × 6.48e9 matmul weights at
    # the RTX 4090's 165.2 dense FP16 TFLOPS (Ada whitepaper) is a hard lower bound on TTFT.
    assert d["ttft_s"] > 512 * 2 * 6.476e9 / 165.2e12
    # Decode can never beat bandwidth: 3.82 GB of weights per token through 1,008 GB/s.
    assert d["decode_tokens_per_s"] < 1008e9 / 3.82e9
    assert d["warnings"] == []  # 640 tokens, inside Llama 2's 4,096


def test_estimate_json_warns_past_the_trained_context():
    out = run("estimate", "--model", "gpt-2-124m", "--hardware", "rtx-4090", "--prompt", "1000", "--generate", "100",
              "--json")
    d = json.loads(out.stdout)
    assert len(d["warnings"]) == 1 and "1,100" in d["warnings"][0] and "1,024" in d["warnings"][0]
    text = run("estimate", "--model", "gpt-2-124m", "--hardware", "rtx-4090", "--prompt", "1000", "--generate", "100")
    assert "WARNING" in text.stdout and "trained context" in text.stdout


def test_no_kv_cache_has_no_kv_bytes_anywhere():
    d = json.loads(run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--no-kv-cache", "--json").stdout)
    assert d["kv_cache_bytes"] == 0 and d["kv_bytes_per_token"] == 0
    text = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--no-kv-cache").stdout
    assert "KV cache          none" in text and "not limited by a KV cache" in text


def test_does_not_fit_says_what_is_missing_and_marks_speeds():
    text = run("estimate", "--model", "llama-2-70b", "--hardware", "h100-sxm").stdout
    # 128 GiB of FP16 weights on one 80 GiB card: two (tensor parallel) fit, as does FP8.
    assert "DOES NOT FIT: needs" in text and "2 devices" in text and "FP8 E4M3 weights" in text
    assert "(if it fit)" in text.split("time per token")[1].splitlines()[0]


def test_estimate_text_report_names_bottleneck():
    out = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090")
    assert out.returncode == 0
    assert "Memory-bound" in out.stdout and "1,008 GB/s" in out.stdout


def test_model_file(tmp_path):
    spec = presets.model("llama-2-7b").to_dict()
    spec.update(id="mine", name="Mine", layers=16)
    f = tmp_path / "m.json"
    f.write_text(json.dumps(spec))
    out = run("estimate", "--model-file", str(f), "--hardware", "h100-sxm", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["params_total"] < presets.model("llama-2-7b").params_total


@pytest.mark.parametrize("args,fragment", [
    (("estimate", "--model", "llama-2-7bb", "--hardware", "rtx-4090"), "llama-2-7b"),
    (("estimate", "--model", "llama-2-7b", "--hardware", "rtx4090"), "rtx-4090"),
    (("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--weights", "fp12"), "format"),
    (("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--batch", "-3"), "batch"),
    (("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--prompt", "1e99"), "invalid int"),
    (("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--generate", "99999999999"), "generate"),
    (("estimate", "--model-file", "/nonexistent/m.json", "--hardware", "rtx-4090"), "cannot read"),
    (("estimate", "--hardware", "rtx-4090"), "--model"),
    (("sweep", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--vary", "colour=1:3", "--csv", "-"), "--vary"),
    (("frobnicate",), "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    out = run(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], out.stderr


def test_malformed_model_file(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text("{ not json")
    out = run("estimate", "--model-file", str(f), "--hardware", "rtx-4090")
    assert out.returncode == 2 and "not valid JSON" in out.stderr and "Traceback" not in out.stderr


def test_sweep_csv(tmp_path):
    f = tmp_path / "s.csv"
    out = run("sweep", "--model", "llama-2-7b", "--hardware", "m2-ultra", "--vary", "prompt=1:32768",
              "--points", "20", "--csv", str(f))
    assert out.returncode == 0, out.stderr
    with open(f, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert 10 <= len(rows) <= 20
    prompts = [int(r["prompt"]) for r in rows]
    assert prompts[0] == 1 and prompts[-1] == 32768 and prompts == sorted(prompts)
    ttft = [float(r["ttft_s"]) for r in rows]
    assert ttft == sorted(ttft)  # longer prompts never get faster


def test_scenario_file(tmp_path):
    from explorer.core.state.scenario import default_scenario
    f = tmp_path / "s.json"
    f.write_text(default_scenario().with_(batch=4).to_json())
    out = run("estimate", "--scenario", str(f), "--generate", "10", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["total_tokens_per_s"] == pytest.approx(4 * d["decode_tokens_per_s"])


def test_list_runtimes_text_and_json():
    out = run("list", "runtimes")
    assert out.returncode == 0 and "llama-cpp-metal" in out.stdout and "default on apple-soc" in out.stdout
    table = json.loads(run("list", "runtimes", "--json").stdout)
    assert {"ideal", "llama-cpp-cuda", "llama-cpp-metal", "mlx", "vllm", "tensorrt-llm", "transformers"} <= set(table)
    assert table["vllm"]["max_batch"] == 256


def test_estimate_with_runtime_and_batch_max():
    out = run("estimate", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--runtime", "tensorrt-llm",
              "--weights", "fp8-e4m3", "--kv", "fp8-e4m3", "--prompt", "128", "--generate", "128",
              "--batch", "max", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["runtime"] == "tensorrt-llm" and d["fits"]
    assert d["output_tokens_per_s"] < d["total_tokens_per_s"]
    text = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--batch", "max")
    assert "runtime: llama.cpp (CUDA) (default for this device)" in text.stdout
    assert "output tokens/s" in text.stdout
    bad = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--runtime", "mlx")
    assert bad.returncode == 2 and "MLX does not run on NVIDIA GeForce RTX 4090" in bad.stderr
    bad = run("estimate", "--model", "llama-2-7b", "--hardware", "rtx-4090", "--batch", "lots")
    assert bad.returncode == 2 and "--batch wants a whole number or 'max'" in bad.stderr


def test_validate_prints_rows_and_summaries(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("model,hardware,runtime,weights,kv,devices,parallel,batch,prompt,generate,metric,value\n"
                 "llama-2-7b,rtx-4090,llama.cpp,fp16,fp16,1,,1,0,128,decode_tokens_per_s,61.03\n"
                 "llama-2-7b,nosuchgpu,,fp16,fp16,1,,1,0,128,decode_tokens_per_s,50\n", encoding="utf-8")
    out = run("validate", str(f))
    assert out.returncode == 0, out.stderr
    assert "NOT PREDICTED: unknown hardware 'nosuchgpu'" in out.stdout
    assert "By metric:" in out.stdout and "1 of 2 rows predicted" in out.stdout
    d = json.loads(run("validate", str(f), "--json").stdout)
    assert len(d["rows"]) == 2 and d["rows"][0]["measured"] == 61.03
    assert d["summary"]["by_metric"]["decode_tokens_per_s"]["n"] == 1
    missing = tmp_path / "bad.csv"
    missing.write_text("model,hardware\nx,y\n", encoding="utf-8")
    bad = run("validate", str(missing))
    assert bad.returncode == 2 and "missing column(s)" in bad.stderr


def test_estimate_explain_and_bands():
    out = run("estimate", "--model", "llama-2-7b", "--hardware", "m2-ultra", "--prompt", "512", "--generate", "128",
              "--explain")
    assert out.returncode == 0, out.stderr
    assert "runtime: llama.cpp (Metal)" in out.stdout and "[band " in out.stdout
    assert "Decode speed:" in out.stdout and "formula: time per token" in out.stdout
    assert "runtime profile llama.cpp (Metal)" in out.stdout
    d = json.loads(run("estimate", "--model", "llama-2-7b", "--hardware", "m2-ultra", "--explain", "--json").stdout)
    lo, typ, hi = d["bands"]["decode_tokens_per_s"]
    assert lo < typ < hi and typ == pytest.approx(d["decode_tokens_per_s"])
    assert d["explain"]["decode"].startswith("Decode speed:")


def test_measure_saves_a_preset_that_estimate_uses(tmp_path, monkeypatch):
    monkeypatch.setenv("INFERENCE_EXPLORER_CONFIG_DIR", str(tmp_path))
    missing = run("estimate", "--model", "llama-3.2-1b", "--hardware", "this-machine")
    assert missing.returncode == 2 and "run 'inference-explorer measure'" in missing.stderr
    out = run("measure", "--json", timeout=120)
    assert out.returncode == 0, out.stderr
    m = json.loads(out.stdout)
    assert m["bandwidth_gbs"] > 0 and m["fp32_tflops"] > 0 and (tmp_path / "this-machine.json").exists()
    est = json.loads(run("estimate", "--model", "llama-3.2-1b", "--hardware", "this-machine", "--json").stdout)
    assert est["runtime"] == "ideal" and est["decode_tokens_per_s"] > 0


def test_model_file_accepts_a_hugging_face_config(tmp_path):
    # Llama-2-7B's published config.json (the keys that matter).
    f = tmp_path / "config.json"
    f.write_text(json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
                             "intermediate_size": 11008, "num_attention_heads": 32, "num_hidden_layers": 32,
                             "num_key_value_heads": 32, "max_position_embeddings": 4096, "vocab_size": 32000,
                             "tie_word_embeddings": False, "torch_dtype": "float16"}))
    out = run("estimate", "--model-file", str(f), "--hardware", "rtx-4090", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["params_total"] == 6_738_415_616  # the model card's count
    bad = tmp_path / "bert.json"
    bad.write_text(json.dumps({"model_type": "bert", "hidden_size": 768}))
    err = run("estimate", "--model-file", str(bad), "--hardware", "rtx-4090")
    assert err.returncode == 2 and "not a known family" in err.stderr


def test_version_and_one_help_for_gui_and_cli():
    from explorer import __version__
    v = run("--version")
    assert v.returncode == 0 and __version__ in v.stdout
    h = run("--help")
    assert h.returncode == 0
    for word in ("estimate", "sweep", "--scenario FILE", "--self-test", "--screenshot", "--size", "--safe-mode"):
        assert word in h.stdout, word
    # The scenario flag is spelled the same for a CLI command as for the GUI.
    assert "--scenario FILE" in run("estimate", "--help").stdout


def test_readme_sample_output_is_what_the_cli_prints():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n", 1)[1].split("```", 1)[0]
    command, shown = block.split("\n", 1)
    args = command.split("inference-explorer ", 1)[1].split()
    out = run(*args)
    assert out.returncode == 0
    assert shown == out.stdout, ("README's sample output is stale: regenerate it with " + command.lstrip("$ "))
