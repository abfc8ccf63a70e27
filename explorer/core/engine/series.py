"""Ready-to-plot series for the GUI's views (and CSV export): arrays from the core formulas.

Each function takes a Scenario and returns plain numpy arrays and numbers; the Qt side only
draws them. Point counts stay near a plot's pixel width (a few hundred).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.core.engine.passes import (
    BOUND_NAMES,
    decode_step_parts,
    first_token,
    mean_decode,
    prefill_parts,
)
from explorer.core.engine.resolved import Resolved, resolve, stack
from explorer.core.physics import flops, memory, parallel
from explorer.core.physics.roofline import attainable_flops, ridge_point
from explorer.core.specs import presets
from explorer.core.state.appstate import COMPARE_DEVICES
from explorer.core.state.scenario import Scenario, ScenarioError

POINTS = 240
ESSAY_EXAMPLES = ((100, 10_000), (1_000, 1_000_000))  # seed essay: tokens -> relationships


def distinct(sorted_values: np.ndarray) -> np.ndarray:
    """Drop repeats from an ascending array (np.unique would import numpy.ma, ~20 ms at start)."""
    v = np.asarray(sorted_values, dtype=float)
    return v[np.concatenate(([True], np.diff(v) > 0))] if v.size else v


def loglog_slope(x: np.ndarray, y: np.ndarray, decades: float = 1.0) -> float:
    """Least-squares slope of log y vs log x over the last ``decades`` of x (the growth order
    there: 1 linear, 2 quadratic, 3 cubic). NaN when y is not positive there."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    sel = (x >= x[-1] / 10**decades) & (y > 0)
    if sel.sum() < 2:
        return float("nan")
    lx, ly = np.log10(x[sel]), np.log10(y[sel])
    dx = lx - lx.mean()
    return float((dx * (ly - ly.mean())).sum() / (dx * dx).sum())  # least-squares slope


def length_grid(s: Scenario, points: int = POINTS) -> np.ndarray:
    """1 token to past the interesting lengths: 10⁶, twice the scenario, 10 × the crossover n*."""
    n_star = flops.attention_crossover(s.model)
    top = max(1e6, 2.0 * (s.prompt + s.generate), 10.0 * n_star if np.isfinite(n_star) else 0.0)
    return distinct(np.round(np.geomspace(1, min(top, 1e9), points)))


def _growth_curves(m, n: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "relationships_head": flops.relationships_per_head(m, n),
        "relationships_layer": flops.relationships_per_layer(m, n),
        "relationships_forward": flops.relationships_per_forward(m, n),
        "flops_linear": flops.linear_flops_per_token(m) * n + flops.lm_head_flops(m),
        "flops_attention": flops.attention_flops_prefill(m, n),
        "flops_prefill": flops.prefill_flops(m, n),
        "generation_kv_cache": flops.generation_flops(m, 0, n, kv_cache=True),
        "generation_no_cache": flops.generation_flops(m, 0, n, kv_cache=False),
    }


def _slopes(m, lo: float, hi: float) -> dict[str, float]:
    """Each curve's log-log slope fitted over [lo, hi] tokens."""
    n = np.geomspace(max(lo, 1.0), max(hi, 2.0), 32)
    return {k: loglog_slope(n, v, decades=np.log10(n[-1] / n[0])) for k, v in _growth_curves(m, n).items()}


def compute_growth(s: Scenario, n: np.ndarray | None = None) -> dict:
    """Per-sequence counts vs sequence length n: relationships, prefill FLOPs split into the
    parameter (linear) and attention parts, and cumulative generation FLOPs with/without a
    KV cache (generating n tokens from an empty context).

    Growth orders depend on the range, so two slopes per curve: ``slopes_in_context`` over
    the decade up to the model's trained context (``max_context``), where the weights
    dominate (cached generation ~n¹, uncached ~n²), and ``slopes_asymptotic`` over a decade
    far past the crossover n* (100–1000 n*), where attention dominates (~n², ~n³). ``n_star``
    is :func:`flops.attention_crossover` (inf without full-attention layers).
    """
    m = s.model
    n = length_grid(s) if n is None else np.asarray(n, float)
    n_star = flops.attention_crossover(m)
    far = 100.0 * n_star if np.isfinite(n_star) else 1e6
    return {"n": n, "curves": _growth_curves(m, n), "max_context": float(m.max_context), "n_star": n_star,
            "slopes_in_context": _slopes(m, m.max_context / 10.0, m.max_context),
            "slopes_asymptotic": _slopes(m, far, 10.0 * far)}


def growth_headline(g: dict) -> str:
    """The short form under the compute plot: polynomial, and which term dominates where."""
    n_star = g["n_star"]
    where = (f"weights dominate below n* ≈ {n_star:,.0f} tokens, attention above" if np.isfinite(n_star)
             else "weights dominate at every length")
    return f"Slopes in context → far past n*. Polynomial, not exponential: {where}."


def growth_summary(g: dict) -> str:
    """One plain sentence for the compute plot: polynomial, which term dominates where."""
    n_star = g["n_star"]
    kv_in, kv_far = g["slopes_in_context"]["generation_kv_cache"], g["slopes_asymptotic"]["generation_kv_cache"]
    no_in, no_far = g["slopes_in_context"]["generation_no_cache"], g["slopes_asymptotic"]["generation_no_cache"]
    where = (f"weights dominate below n* ≈ {n_star:,.0f} tokens, attention above"
             if np.isfinite(n_star) else "no full-attention layer: weights dominate at every length")
    return (f"Polynomial, not exponential: straight lines on log-log with slopes 1, 2, 3. "
            f"Generating n tokens inside the trained context ({g['max_context']:,.0f}) grows ~n^{kv_in:.1f} with a "
            f"KV cache and ~n^{no_in:.1f} without; far past n* ~n^{kv_far:.1f} and ~n^{no_far:.1f} — {where}.")


@dataclass(frozen=True)
class MemoryTraffic:
    t: np.ndarray
    weights: np.ndarray  # bytes, all devices
    kv: np.ndarray  # bytes for the whole batch
    capacity: float  # bytes of weights + KV (whole batch) that fit on all devices together
    fit_limit: float | None  # context where weights + KV stop fitting (None: fits everywhere)
    bytes_per_token: np.ndarray  # bytes moved per generated token, per sequence


def memory_traffic(s: Scenario, t: np.ndarray | None = None) -> MemoryTraffic:
    """Context from 1 token to a few times the interesting lengths: the model's trained
    context, the scenario's own, and where the cache stops fitting."""
    r = resolve(s)
    w = memory.weight_bytes(s.model, r.weights)
    # Room for weights + KV summed over devices (KV counted as if unsplit: replicated KV heads
    # make it smaller than the devices' total memory).
    capacity = w + memory.kv_room(r.usable_bytes, w, r.reserve_bytes, s.devices, r.kv_ways)
    limit = _fit_limit(s, r, w, capacity)
    if t is None:
        # Up to the next power of ten above the interesting lengths: the grid (and so every
        # curve but the fit marker) stays the same while a prompt or batch slider moves.
        top = max(s.model.max_context, s.prompt + s.generate, 2 * (limit or 0), 1024) * 2
        top = 10.0 ** np.ceil(np.log10(min(top, 1e7)))
        t = distinct(np.round(np.geomspace(1, top, POINTS)))
    t = np.asarray(t, float)
    kv = memory.kv_cache_bytes(s.model, r.kv, t, s.batch) * (1.0 if s.kv_cache else 0.0)
    step = decode_step_parts(r, t)
    return MemoryTraffic(t=t, weights=np.full_like(t, w), kv=kv, capacity=capacity,
                         fit_limit=limit, bytes_per_token=step["bytes"] / s.batch)


def _fit_limit(s: Scenario, r, w: float, capacity: float) -> float | None:
    """Largest context whose weights + KV cache fit (None: fits at any length up to 10⁷;
    without a KV cache only the weights must fit: 0 or None)."""
    if not s.kv_cache:
        return None if capacity >= w else 0.0
    t = memory.context_that_fits(s.model, r.kv, s.batch, capacity - w)
    return None if t > 1e7 else max(t, 0.0)


@dataclass(frozen=True)
class Roofline:
    intensity: np.ndarray  # FLOP/byte
    peak_roof: np.ndarray  # FLOP/s from data-sheet peaks (all devices on the critical path)
    effective_roof: np.ndarray  # with η_compute, η_memory
    ridge: float  # peak ridge (FLOP/byte)
    effective_ridge: float
    decode_point: tuple[float, float]  # (intensity, achieved FLOP/s) at the current batch
    prefill_point: tuple[float, float]
    batch_path: tuple[np.ndarray, np.ndarray]  # decode operating points for batch 1 … 4096
    peak_key: str


def roofline(s: Scenario) -> Roofline:
    r = resolve(s)
    split = parallel.work_divisor(s.parallel, s.devices)
    peak, bw = r.peak_flops * split, r.bandwidth * split
    eff_peak, eff_bw = peak * r.eta_compute, bw * r.eta_memory
    gen = max(s.generate, 1)
    dec = mean_decode(r, s.prompt, gen)
    pre = prefill_parts(r, max(s.prompt, 1))
    top = max(2e4, 4 * float(pre["flops"] / pre["bytes"]))  # keep the prefill point in view
    i = np.geomspace(0.05, top, POINTS)
    batches = distinct(np.round(np.geomspace(1, 4096, 25)))
    path = mean_decode(r, s.prompt, gen, batches)
    return Roofline(
        intensity=i,
        peak_roof=attainable_flops(i, peak, bw),
        effective_roof=attainable_flops(i, eff_peak, eff_bw),
        ridge=ridge_point(peak, bw),
        effective_ridge=ridge_point(eff_peak, eff_bw),
        decode_point=(float(dec["flops"] / dec["bytes"]), float(dec["flops"] / dec["time"])),
        prefill_point=(float(pre["flops"] / pre["bytes"]), float(pre["flops"] / pre["time"])),
        batch_path=(path["flops"] / path["bytes"], path["flops"] / path["time"]),
        peak_key=r.peak_key,
    )


@dataclass(frozen=True)
class DeviceResult:
    """One bar of the comparison: the figures :func:`estimate` would give on that device."""

    device_id: str
    name: str
    decode_tokens_per_s: float | None = None
    ttft_s: float | None = None
    fits: bool = False
    bound: str = ""
    error: str = ""

    @property
    def label(self) -> str:
        if self.error:
            return self.error
        if not self.fits:
            return "does not fit"
        return f"{self.bound}-bound"


def compare_devices(s: Scenario, devices: tuple[str, ...] = COMPARE_DEVICES) -> list[DeviceResult]:
    """The current scenario on several devices (the current one included, first if new).

    All devices are evaluated in one vectorized pass (``resolved.stack``); a test checks each
    figure against :func:`estimate` on that device alone.
    """
    ids = list(devices)
    if s.hardware.id not in ids:
        ids.insert(0, s.hardware.id)
    out: dict[str, DeviceResult] = {}
    usable: list[tuple[str, str, Resolved]] = []
    for did in ids:
        if did != s.hardware.id and did not in presets.hardware():  # another scenario's custom device
            out[did] = DeviceResult(did, did, error="not a preset: only the scenario that edited it has it")
            continue
        hw = s.hardware if did == s.hardware.id else presets.device(did)
        try:
            usable.append((did, hw.name, resolve(s if hw is s.hardware else s.with_(hardware=hw))))
        except ScenarioError as exc:
            out[did] = DeviceResult(did, hw.name, error=str(exc))
    if usable:
        r = stack([u[2] for u in usable])
        m = s.model
        w = memory.weight_bytes(m, r.weights)
        kv = float(memory.kv_cache_bytes(m, r.kv, s.prompt + s.generate, s.batch)) if s.kv_cache else 0.0
        need = memory.memory_needed(w, kv, r.reserve_bytes, s.devices, r.kv_ways)[:, 0]
        fits = need <= np.asarray(r.usable_bytes)[:, 0]  # stacked: a column per device
        ttft, pre = first_token(r)
        ttft = ttft[:, 0]
        if s.generate > 0:
            dec = mean_decode(r, s.prompt, s.generate)
            speed: list[float | None] = [float(v) for v in 1.0 / dec["time"]]
            bound = dec["bound"]
        else:
            speed, bound = [None] * len(usable), pre["bound"][:, 0]
        for i, (did, name, _r) in enumerate(usable):
            out[did] = DeviceResult(did, name, speed[i], float(ttft[i]),
                                    bool(fits[i]), BOUND_NAMES[int(bound[i])])
    return [out[did] for did in ids]
