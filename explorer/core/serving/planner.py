"""Plan a deployment: for the scenario's model, request lengths and latency target, search devices ×
count (tensor parallel over all of them) × weight/KV format × runtime, and rank the setups by dollars
per million output tokens at the highest load that still meets the target (the knee).

Each candidate is one replica run as a closed loop (clients at fixed concurrency, the regime of the
calibration); its operating point is the highest concurrency on a 16-point grid (1 … 2× its admission
capacity) whose latencies meet the target at the chosen percentile. Cost = devices × price per hour ÷
output tokens per hour (explorer.core.physics.cost). A setup that misses the target even with one
client is listed with ``meets_slo=False`` after the ones that meet it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from explorer.core.physics import cost
from explorer.core.serving import meanfield
from explorer.core.serving.scheduler import scheduler
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario, ScenarioError

FORMATS = (("bf16", "bf16"), ("bf16", "fp8-e4m3"), ("fp8-e4m3", "fp8-e4m3"), ("fp8-e4m3", "bf16"), ("int8", "bf16"), ("int4-g128", "fp16"))
COUNTS = (1, 2, 4, 8)
CATEGORIES = ("datacenter-gpu", "workstation-gpu", "consumer-gpu")
GRID_POINTS = 16


@dataclass(frozen=True)
class PlanRow:
    hardware: str  # hardware preset ID
    devices: int  # GPUs in the replica (tensor parallel over all)
    weights: str
    kv: str
    runtime: str
    meets_slo: bool
    concurrency: float  # clients at the operating point (the knee on the grid)
    output_tokens_per_s: float  # the replica's output tokens/s there
    tokens_per_s_per_gpu: float
    usd_per_million_output_tokens: float | None  # None: no price for the device
    ttft_s: float  # at the target's percentile, at the operating point
    tpot_s: float
    binding_limit: str
    price_per_hour: float  # per device, USD
    replicas_for_load: int  # replicas the scenario's rate needs (1 for a concurrency load)

    def to_dict(self) -> dict:
        return asdict(self)


def candidates(s: Scenario, hardware: tuple[str, ...] | None = None, counts=COUNTS, formats=FORMATS,
               runtimes: tuple[str, ...] | None = None) -> list[Scenario]:
    """Every valid setup of the search (a Scenario each; invalid combinations are skipped)."""
    out = []
    hw_ids = hardware or tuple(k for k, h in presets.hardware().items()
                               if h.category in CATEGORIES and h.price_per_hour_usd)
    for hw_id in hw_ids:
        hw = presets.device(hw_id)
        for rt_id, rt in presets.runtimes().items():
            if (runtimes and rt_id not in runtimes) or rt.ideal or rt.batching != "continuous" or \
                    not rt.runs_on(hw.category, hw.vendor) or not rt.max_batched_tokens:
                continue
            for w, kv in formats:
                if rt.format_problems(w, kv):
                    continue
                compute = w if w in ("bf16", "fp8-e4m3") and presets.number_format(w).throughput_key in hw.tflops \
                    else "fp16"
                for n in counts:
                    try:
                        out.append(s.with_(hardware=hw, devices=n, parallel="tensor", weights=w, kv=kv,
                                           compute=compute, runtime=rt_id, load_kind="concurrency", load=1.0,
                                           price_per_hour=None))
                    except ScenarioError:
                        continue
    return out


def evaluate(cands: list[Scenario], rate: float | None = None) -> list[PlanRow]:
    """Every candidate's operating point, all solved together: one stacked step table and one
    vectorized fixed point over (candidates × load points). Candidates whose model does not fit
    are left out."""
    setups: list[tuple] = []
    parts: list[dict] = []
    keep: list[Scenario] = []
    for c in cands:
        sch = scheduler(c)
        cap, _ = sch.capacity(c.prompt + max(c.generate, 1))
        if cap < 1:
            continue
        loads = np.unique(np.rint(np.geomspace(1.0, max(2.0 * cap, 2.0), GRID_POINTS)))
        loads = np.pad(loads, (0, GRID_POINTS - len(loads)), mode="edge")
        a, row = meanfield.setup(c, sch, loads, idx=len(setups))
        setups.append(row)
        parts.append(a)
        keep.append(c)
    if not keep:
        return []
    a = {k: (np.concatenate([p[k] for p in parts]) if isinstance(parts[0][k], np.ndarray) else parts[0][k])
         for k in parts[0]}
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = meanfield.iterate(a, meanfield.Table(setups))
        ok, ttft, tpot = _targets(keep[0], a, m)
    shape = (len(keep), GRID_POINTS)
    ok, ttft, tpot = ok.reshape(shape), ttft.reshape(shape), tpot.reshape(shape)
    x, loads = m["x"].reshape(shape), a["loads"].reshape(shape)
    running, cap = np.minimum(m["x"] * m["r_svc"], a["cap"]).reshape(shape), a["cap"].reshape(shape)
    rows = []
    for k, c in enumerate(keep):
        good = np.nonzero(ok[k])[0]
        i = int(good.max()) if good.size else 0
        tok = float(x[k, i] * a["out"])
        price = float(c.hardware.price_per_hour_usd or 0.0)
        usd = cost.per_million(cost.usd(c.devices, price, 3600.0) if price else None, tok * 3600.0)
        reps = int(np.ceil(rate / float(x[k, i]))) if rate and good.size else 1
        nxt = min(i + 1, GRID_POINTS - 1)
        limit = "running_limit" if running[k, nxt] >= cap[k, nxt] * 0.999 else _step_bound(c, m, k * GRID_POINTS + nxt)
        if limit == "running_limit" and scheduler(c).kv_slots(c.prompt + max(c.generate, 1)) <= cap[k, nxt]:
            limit = "kv_capacity"
        rows.append(PlanRow(hardware=c.hardware.id, devices=c.devices, weights=c.weights, kv=c.kv,
                            runtime=c.runtime or "", meets_slo=bool(good.size), concurrency=float(loads[k, i]),
                            output_tokens_per_s=tok, tokens_per_s_per_gpu=tok / c.devices,
                            usd_per_million_output_tokens=usd, ttft_s=float(ttft[k, i]), tpot_s=float(tpot[k, i]),
                            binding_limit=limit, price_per_hour=price, replicas_for_load=reps))
    return rows


def _targets(s: Scenario, a: dict, m: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed-loop TTFT and TPOT at the target's percentile, and whether both meet it."""
    p = s.slo_percentile
    z = meanfield.Z[p]
    clients, think = a["clients"], a["think"]
    wait = np.maximum(clients / m["x"] - think - m["r_svc"], 0.0)
    ttft = m["ttft_svc"] + wait
    q, dec, mix = m["q_seen"], m["dec"], m["mix"]
    var = np.where(a["mixed"], q * (1 - q) * (mix - dec) ** 2, q / (1 - q) ** 2 * mix ** 2)
    tpot = m["tpot"] + z * np.sqrt(var / max(a["out"] - 1.0, 1.0))
    return (ttft <= s.slo_ttft_ms / 1e3) & (tpot <= s.slo_tpot_ms / 1e3), ttft, tpot


def _step_bound(c: Scenario, m: dict, j: int) -> str:
    r = scheduler(c).resolved
    ctx = c.prompt + (max(c.generate, 1) - 1) / 2.0
    p = m["p_m"][j] if m["q"][j] > 0.5 else 0.0
    return "compute" if int(meanfield._bound(r, p, max(m["n_seen"][j], 1.0), ctx)) else "bandwidth"


def plan(s: Scenario, hardware: tuple[str, ...] | None = None, counts=COUNTS, formats=FORMATS,
         runtimes: tuple[str, ...] | None = None, limit: int | None = None) -> list[PlanRow]:
    """Rows for every setup that fits, cheapest first among those meeting the target, then the rest."""
    rate = float(s.load) if s.load_kind == "rate" else None
    rows = evaluate(candidates(s, hardware, counts, formats, runtimes), rate)
    inf = float("inf")
    rows.sort(key=lambda r: (not r.meets_slo, r.usd_per_million_output_tokens if r.usd_per_million_output_tokens
                             is not None else inf, -r.tokens_per_s_per_gpu))
    return rows[:limit] if limit else rows
