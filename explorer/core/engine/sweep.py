"""One scenario swept along prompt, generate or batch: every point's :class:`Estimate` from one
vectorized pass (the CLI's ``sweep``), not one ``estimate()`` per point.

Prompt, generate and batch do not change how a scenario resolves (device, formats, runtime,
layout), so one :class:`Resolved` serves every point and the prefill and the averaged decode
run once over the whole array; what is left per point is :func:`assembly.assemble`, the same
assembly the scalar ``estimate()`` uses. Devices change the resolution (links, layout), so a
devices sweep — a handful of points — is estimated point by point.

:func:`estimate_vectorized` is one scenario through this array path: the independent reference
``tests/core/engine/test_point.py`` holds the scalar ``estimate()`` to.
"""

from __future__ import annotations

import numpy as np

from explorer.core.engine.assembly import Estimate, PassFigures, assemble
from explorer.core.engine.estimate import estimate
from explorer.core.engine.passes import decode_step_time, mean_decode, prefill_parts
from explorer.core.engine.resolved import Resolved, resolve
from explorer.core.physics import flops, memory, parallel
from explorer.core.state.scenario import Scenario

VECTORIZED = ("prompt", "generate", "batch")


def estimate_sweep(s: Scenario, field: str, values) -> list[Estimate]:
    """``[estimate(s.with_(field=v)) for v in values]``, computed as arrays. Raises
    ScenarioError like that loop when a point is not a valid scenario."""
    points = [s.with_(**{field: int(v)}) for v in values]  # each point validated, as estimate() would see it
    if field not in VECTORIZED or len(points) < 2:
        return [estimate(p) for p in points]
    return _estimates(resolve(s), points)


def estimate_vectorized(s: Scenario) -> Estimate:
    """``estimate(s)`` computed by the vectorized pass functions (arrays of one point)."""
    return _estimates(resolve(s), [s])[0]


def _estimates(r: Resolved, points: list[Scenario]) -> list[Estimate]:
    """The Estimate of each point: scenarios that differ from ``r.scenario`` only in prompt,
    generate and batch (so ``r`` resolves every one of them)."""
    s = r.scenario
    m = s.model
    p = np.array([q.prompt for q in points], dtype=np.float64)
    g = np.array([q.generate for q in points], dtype=np.float64)
    b = np.array([q.batch for q in points], dtype=np.float64)
    context = p + g
    kv_on = 1.0 if s.kv_cache else 0.0  # without a KV cache every step re-runs the prefix: no KV bytes
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

    def figures(parts: dict[str, np.ndarray], i: int) -> PassFigures:
        return PassFigures(float(parts["time"][i]), float(parts["flops"][i]), float(parts["bytes"][i]),
                           float(parts["comm_time"][i]), int(parts["bound"][i]))

    return [assemble(q, r, w_bytes=w_bytes, kv_total=float(kv_total[i]), kv_per_seq=float(kv_per_seq[i]),
                     need=float(need[i]), ttft=float(ttft[i]), pre=figures(pre, i),
                     dec=figures(dec, i) if q.generate > 0 else None, per_pass=float(per_pass[i]),
                     relationships=float(relationships[i]))
            for i, q in enumerate(points)]
