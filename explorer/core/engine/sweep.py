"""One scenario swept along prompt, generate or batch: every point's :class:`Estimate` from one
vectorized pass (the CLI's ``sweep``), not one ``estimate()`` per point.

Prompt, generate and batch do not change how a scenario resolves (device, formats, runtime,
layout), so one :class:`Resolved` serves every point and the prefill and the averaged decode
run once over the whole array; what is left per point is arithmetic on floats and the
warnings. Devices change the resolution (links, layout), so a devices sweep — a handful of
points — is estimated point by point. ``tests/core/engine/test_sweep.py`` holds every field of
every point equal to ``estimate()`` of that point.
"""

from __future__ import annotations

import numpy as np

from explorer.core.engine.estimate import (
    BOUND_NAMES,
    Estimate,
    decode_step_time,
    estimate,
    mean_decode,
    prefill_parts,
    scenario_warnings,
)
from explorer.core.engine.resolved import resolve
from explorer.core.physics import cost, flops, memory, parallel
from explorer.core.state.scenario import Scenario

VECTORIZED = ("prompt", "generate", "batch")


def estimate_sweep(s: Scenario, field: str, values) -> list[Estimate]:
    """``[estimate(s.with_(field=v)) for v in values]``, computed as arrays. Raises
    ScenarioError like that loop when a point is not a valid scenario."""
    points = [s.with_(**{field: int(v)}) for v in values]  # each point validated, as estimate() would see it
    if field not in VECTORIZED or len(points) < 2:
        return [estimate(p) for p in points]
    r = resolve(s)
    m = s.model
    p = np.array([q.prompt for q in points], dtype=np.float64)
    g = np.array([q.generate for q in points], dtype=np.float64)
    b = np.array([q.batch for q in points], dtype=np.float64)
    context = p + g
    kv_on = 1.0 if s.kv_cache else 0.0
    w_bytes = memory.weight_bytes(m, r.weights)
    kv_total = kv_on * memory.kv_cache_bytes(m, r.kv, context, b)
    kv_per_seq = kv_on * memory.kv_cache_bytes(m, r.kv, context, 1)
    need = memory.memory_needed(w_bytes, kv_total, r.reserve_bytes, s.devices, r.kv_ways)
    pre = prefill_parts(r, np.maximum(p, 1), b)
    fill = np.array([parallel.pipeline_fill(s.parallel, s.devices, q.batch) for q in points])
    ttft = np.where(p > 0, pre["time"] * fill, decode_step_time(r, 0, b))
    dec = mean_decode(r, p, np.maximum(g, 1), b)
    per_pass = parallel.pass_batch(s.parallel, s.devices, b)
    relationships = flops.relationships_per_forward(m, context)
    peak_ridge = r.peak_flops / r.bandwidth
    out = []
    for i, q in enumerate(points):
        t = float(ttft[i])
        if q.generate > 0:
            tpot: float | None = float(dec["time"][i])
            src, tokens = dec, float(per_pass[i])
        else:
            tpot, src, tokens = None, pre, float(per_pass[i]) * max(q.prompt, 1)
        total_time = t + (max(q.generate - 1, 0) * tpot if tpot else 0.0)
        tokens_out = q.batch * (q.generate if q.generate > 0 else q.prompt)
        energy = cost.energy_joules(s.devices, s.hardware.tdp_w, total_time)
        money = cost.usd(s.devices, r.price_per_hour, total_time)
        out.append(Estimate(
            params_total=m.params_total,
            params_active=m.params_active,
            weight_bytes=w_bytes,
            kv_cache_bytes=float(kv_total[i]),
            kv_bytes_per_token=kv_on * memory.kv_bytes_per_token(m, r.kv),
            memory_needed_per_device=float(need[i]),
            memory_usable_per_device=r.usable_bytes,
            fits=bool(need[i] <= r.usable_bytes),
            max_batch=memory.max_batch(r.usable_bytes, w_bytes, r.reserve_bytes, float(kv_per_seq[i]), s.devices,
                                       r.kv_ways),
            ttft_s=t,
            prefill_tokens_per_s=(q.batch * q.prompt / t) if q.prompt > 0 else None,
            tpot_s=tpot,
            decode_tokens_per_s=(1.0 / tpot) if tpot else None,
            total_tokens_per_s=(q.batch / tpot) if tpot else None,
            output_tokens_per_s=(q.batch * q.generate / total_time) if q.generate > 0 else None,
            bound=BOUND_NAMES[int(src["bound"][i])],
            prefill_bound=BOUND_NAMES[int(pre["bound"][i])],
            arithmetic_intensity=float(src["flops"][i] / src["bytes"][i]),
            ridge_intensity=r.ridge_intensity,
            peak_ridge_intensity=peak_ridge,
            bytes_per_token=float(src["bytes"][i]) / tokens,
            flops_per_token=float(src["flops"][i]) / tokens,
            interconnect_s_per_step=float(src["comm_time"][i]),
            energy_j_per_token=energy / tokens_out,
            usd_per_million_tokens=cost.per_million(money, tokens_out),
            relationships_per_forward=float(relationships[i]),
            peak_key=r.peak_key,
            eta_compute=r.eta_compute,
            eta_memory=r.eta_memory,
            runtime=r.runtime.id,
            warnings=scenario_warnings(q, r.runtime),
        ))
    return out
