"""The ``serve`` command: a deployment under load (explorer.core.serving), one load point or a sweep.

    serve --model M --hardware H --runtime R --input I --output O --concurrency C [--requests N --seed S]
    serve ... --rate QPS [--burstiness CV] | --trace FILE
    serve ... --slo-ttft MS --slo-tpot MS [--percentile 90] [--json | --csv FILE]
    serve ... --sweep concurrency=FROM:TO[:POINTS] | rate=FROM:TO[:POINTS]

Without --requests the steady-state (mean-field) model answers at once; with --requests N (or a
trace) a discrete-event simulation of N requests does (same seed, same numbers). The knee always
comes from the steady-state model.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

JSON_KEYS = ("ttft_s", "tpot_s", "itl_s", "e2e_s")


def add_parser(sub, scenario_args) -> None:
    e = sub.add_parser("serve", help="a deployment under load: TTFT, TPOT, throughput, goodput and the knee")
    scenario_args(e)
    e.add_argument("--input", dest="prompt", type=int, metavar="I", help="mean input (prompt) tokens per request")
    e.add_argument("--output", dest="generate", type=int, metavar="O", help="mean output tokens per request")
    load = e.add_mutually_exclusive_group()
    load.add_argument("--concurrency", type=int, metavar="C", help="closed loop: C clients, each sending its next "
                      "request when the last is done")
    load.add_argument("--rate", type=float, metavar="QPS", help="open loop: requests per second")
    load.add_argument("--trace", metavar="FILE", help="CSV with arrival_s,input,output per request (replayed)")
    e.add_argument("--burstiness", type=float, metavar="CV", help="open loop: CV of the gaps between arrivals "
                   "(1 = Poisson, the default)")
    e.add_argument("--think", type=float, metavar="S", help="closed loop: seconds a client waits between requests")
    e.add_argument("--lengths", choices=("fixed", "uniform", "lognormal", "chat"), help="length distribution")
    e.add_argument("--length-spread", type=float, metavar="X", help="uniform: half-width ÷ mean; lognormal: std ÷ mean")
    e.add_argument("--requests", type=int, metavar="N", help="simulate N requests (discrete events) instead of "
                   "the steady-state model")
    e.add_argument("--seed", type=int, default=0, metavar="S", help="random seed of the simulation (default 0)")
    e.add_argument("--slo-ttft", type=float, metavar="MS", help="latency target: time to first token, ms")
    e.add_argument("--slo-tpot", type=float, metavar="MS", help="latency target: time per output token, ms")
    e.add_argument("--percentile", type=int, choices=(50, 90, 99), help="percentile the target holds at (default 90)")
    e.add_argument("--sweep", metavar="KIND=FROM:TO[:POINTS]", help="concurrency=1:256[:16] or rate=0.5:40[:16]")
    out = e.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON (an object; a list of them for --sweep)")
    out.add_argument("--csv", metavar="FILE", help="write CSV ('-' for stdout)")


def _scenario(a, usage_error):
    from .cli import scenario_from_args
    s = scenario_from_args(a)
    changes = {}
    if a.concurrency is not None:
        changes.update(load_kind="concurrency", load=float(a.concurrency))
    elif a.rate is not None:
        changes.update(load_kind="rate", load=float(a.rate))
    for flag, name in (("burstiness", "burstiness"), ("think", "think_s"), ("lengths", "lengths"),
                       ("length_spread", "length_spread"), ("slo_ttft", "slo_ttft_ms"), ("slo_tpot", "slo_tpot_ms"),
                       ("percentile", "slo_percentile")):
        v = getattr(a, flag)
        if v is not None:
            changes[name] = v
    if a.burstiness is not None and a.rate is None and s.load_kind != "rate":
        raise usage_error("--burstiness applies to an open loop: give --rate too")
    return s.with_(**changes) if changes else s


def parse_sweep(text: str, usage_error) -> tuple[str, np.ndarray]:
    try:
        kind, rng = text.split("=", 1)
        parts = rng.split(":")
        lo, hi = float(parts[0]), float(parts[1])
        points = int(parts[2]) if len(parts) > 2 else 16
        if len(parts) > 3:
            raise ValueError
    except (ValueError, IndexError):
        raise usage_error(f"--sweep wants concurrency=FROM:TO[:POINTS] or rate=FROM:TO[:POINTS] (got '{text}')") from None
    if kind not in ("concurrency", "rate"):
        raise usage_error(f"--sweep sweeps concurrency or rate (got '{kind}')")
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi <= 1e6) or not 2 <= points <= 10_000:
        raise usage_error(f"--sweep needs 0 < FROM < TO ≤ 1,000,000 and 2 ≤ POINTS ≤ 10,000 (got '{text}')")
    if kind == "concurrency":
        vals = np.unique(np.rint(np.geomspace(max(lo, 1), hi, points)))
    else:
        vals = np.linspace(lo, hi, points)
    return kind, vals


def _row(p) -> dict:
    d = p.to_dict()
    return d


def cmd_serve(a: argparse.Namespace) -> int:
    from .cli import UsageError, _json_safe, write_csv_rows
    from .core import serving
    from .core.serving.trace import TraceError, load_trace
    s = _scenario(a, UsageError)
    if a.requests is not None and not 1 <= a.requests <= 1_000_000:
        raise UsageError("--requests must be between 1 and 1,000,000")
    trace = None
    if a.trace:
        try:
            trace = load_trace(a.trace)
        except TraceError as exc:
            raise UsageError(f"{a.trace}: {exc}") from None
    sweep = parse_sweep(a.sweep, UsageError) if a.sweep else None
    knee = serving.knee(s if sweep is None else s.with_(load_kind=sweep[0]))  # in the rows' unit
    simulate = a.requests is not None or trace is not None

    def point(sc):
        if simulate:
            res = serving.simulate(sc, requests=a.requests or 2000, seed=a.seed, trace=trace)
            p = res.summary
            d = {**p.to_dict(), "engine": "simulation", "preemptions": res.preemptions, "completed": res.completed}
        else:
            d = {**serving.steady(sc).to_dict(), "engine": "steady"}
        d["knee"] = knee.load
        d["knee_binding_limit"] = knee.binding_limit
        return _json_safe(d)

    if sweep is not None:
        kind, vals = sweep
        rows = [point(s.with_(load_kind=kind, load=float(v))) for v in vals]
    else:
        rows = [point(s)]
    if a.json:
        print(json.dumps(rows if a.sweep else rows[0], indent=2, ensure_ascii=False))
    elif a.csv:
        return write_csv_rows(rows, a.csv)
    else:
        for r in rows:
            print(_text(r, s))
    return 0


def _t(v) -> str:
    """A time at two significant figures (the JSON keeps full precision)."""
    from .core.physics.units import UNBOUNDED, duration

    return UNBOUNDED if v is None else duration(v)


def _text(r: dict, s) -> str:
    from .core.physics.units import duration, rate, sig
    from .core.text.serving_words import limit_words, load_words

    def four(key: str) -> str:
        return f"mean {_t(r[f'{key}_s'])}  p50 {_t(r[f'{key}_p50'])}  p90 {_t(r[f'{key}_p90'])}  p99 {_t(r[f'{key}_p99'])}"

    queue = r["queue_length"]
    lines = [f"{s.model.name} on {s.devices}× {s.hardware.name}, {r['load_kind']} {load_words(r['load_kind'], r['load'])} "
             f"({r['engine']})",
             f"  TTFT   {four('ttft')}",
             f"  TPOT   {four('tpot')}",
             f"  ITL    {four('itl')}",
             f"  E2E    mean {_t(r['e2e_s'])}  p90 {_t(r['e2e_p90'])}",
             f"  throughput {rate(r['output_tokens_per_s'] or 0, 'output tokens/s')}, "
             f"{rate(r['requests_per_s'] or 0, 'requests/s')}; goodput {rate(r['goodput_requests_per_s'] or 0, 'requests/s')}",
             f"  running {sig(r['mean_running'], 3)}, KV {sig(100 * (r['kv_occupancy'] or 0))} % full, queue "
             f"{sig(queue, 3) if queue is not None else 'grows without bound'}",
             f"  target TTFT ≤ {duration(s.slo_ttft_ms / 1e3)} and TPOT ≤ {duration(s.slo_tpot_ms / 1e3)} at "
             f"p{s.slo_percentile}: {'met' if r['meets_slo'] else 'missed'}; knee at "
             f"{load_words(r['load_kind'], r['knee'])} (bound by the {limit_words(r['knee_binding_limit'])})"]
    return "\n".join(lines)
