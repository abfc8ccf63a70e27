"""`serve` as a user runs it: the synopsis' flags, the --json keys, sweeps, traces and one-line refusals."""

import csv
import io
import json
import subprocess
import sys

import pytest

BASE = ("serve", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--runtime", "vllm", "--weights", "bf16",
        "--kv", "bf16", "--input", "1024", "--output", "128")
KEYS = ["ttft_s", "tpot_s", "itl_s", "e2e_s"] + [f"{m}_p{p}" for m in ("ttft", "tpot", "itl", "e2e") for p in (50, 90, 99)] \
    + ["output_tokens_per_s", "requests_per_s", "mean_running", "kv_occupancy", "goodput_requests_per_s",
       "binding_limit", "knee"]


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=timeout)


def test_serve_json_has_the_issues_keys_and_little_holds():
    out = run(*BASE, "--concurrency", "16", "--slo-ttft", "500", "--slo-tpot", "30", "--percentile", "90", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert set(KEYS) <= set(d)
    assert d["requests_per_s"] * d["e2e_s"] == pytest.approx(16, rel=1e-6)  # closed loop: N = X · E2E
    assert d["output_tokens_per_s"] == pytest.approx(128 * d["requests_per_s"], rel=1e-9)
    assert d["knee"] > 16 and d["engine"] == "steady"


def test_serve_simulation_is_reproducible_with_a_seed():
    args = (*BASE, "--rate", "5", "--burstiness", "2", "--requests", "400", "--seed", "3", "--json")
    a, b = run(*args), run(*args)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout and json.loads(a.stdout)["engine"] == "simulation"


def test_serve_sweep_writes_one_row_per_load_point():
    out = run(*BASE, "--sweep", "concurrency=1:256:6", "--csv", "-")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    loads = [float(r["load"]) for r in rows]
    assert loads[0] == 1 and loads[-1] == 256 and loads == sorted(loads) and len(rows) == 6
    ttft = [float(r["ttft_s"]) for r in rows]
    assert ttft == sorted(ttft)


def test_serve_replays_a_trace(tmp_path):
    f = tmp_path / "trace.csv"
    f.write_text("arrival_s,input,output\n0,100,20\n0.01,200,10\n0.5,50,5\n")
    out = run(*BASE, "--trace", str(f), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["load_kind"] == "trace" and d["completed"] == 3


@pytest.mark.parametrize("args, fragment", [
    (("--concurrency", "4", "--sweep", "load=1:4"), "--sweep sweeps concurrency or rate"),
    (("--sweep", "rate=5:1"), "0 < FROM < TO"),
    (("--concurrency", "4", "--burstiness", "2"), "--burstiness applies to an open loop"),
    (("--rate", "-3"), "load must be at least"),
    (("--concurrency", "4", "--requests", "0"), "--requests must be between"),
    (("--concurrency", "4", "--slo-ttft", "nan"), "slo_ttft_ms must be a finite number"),
])
def test_serve_refuses_bad_input_in_one_line(args, fragment):
    out = run(*BASE, *args)
    assert out.returncode == 2 and fragment in out.stderr and out.stderr.count("\n") == 1, out.stderr


def test_serve_refuses_a_bad_trace_naming_the_row(tmp_path):
    f = tmp_path / "trace.csv"
    f.write_text("arrival_s,input,output\n0,100,20\n0.1,lots,10\n")
    out = run(*BASE, "--trace", str(f))
    assert out.returncode == 2 and "row 3, input" in out.stderr


def test_serve_text_speaks_in_words_at_two_significant_figures():
    import re

    out = run(*BASE, "--concurrency", "1")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "concurrency 1 client (" in text  # not "1 clients"
    assert "(bound by the running-request limit)" in text or "(bound by the KV-cache capacity)" in text \
        or "(bound by the compute)" in text or "(bound by the memory bandwidth)" in text
    times = re.findall(r"(\d[\d,.]*) (?:ms|s)\b", text)
    assert times
    for t in times:  # two significant figures: at most two digits once leading zeros are gone
        digits = t.replace(",", "").replace(".", "").lstrip("0")
        assert len(digits.rstrip("0")) <= 2, t


def test_a_rate_sweep_states_its_knee_in_requests_per_second():
    """The knee of a rate sweep is the highest *rate* meeting the target, not a number of clients
    printed with the rate's unit: below the road's capacity (2 rows: the second past it)."""
    rows = json.loads(run(*BASE, "--sweep", "rate=1:200:2", "--json").stdout)
    conc = json.loads(run(*BASE, "--concurrency", "16", "--json").stdout)
    cap = max(r["requests_per_s"] for r in rows)  # what the road carries at most
    assert rows[0]["knee"] <= cap * 1.0001  # a rate: at most the capacity in requests/s
    assert conc["knee"] > cap * 1.5  # the closed loop's knee in clients is another number
