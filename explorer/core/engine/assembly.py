"""What one estimate reports (:class:`Estimate`) and the one place its fields are assembled from a
scenario's figures: the scalar estimate (``point.py``) and the vectorized sweep (``sweep.py``) both
compute the passes, then call :func:`assemble` per point, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

from explorer.core.engine.resolved import Resolved
from explorer.core.physics import cost, memory, roofline
from explorer.core.specs.runtime import Runtime
from explorer.core.state.scenario import Scenario

BOUND_NAMES = roofline.BOUNDS


@dataclass(frozen=True)
class Estimate:
    params_total: int
    params_active: int
    weight_bytes: float
    kv_cache_bytes: float
    kv_bytes_per_token: float
    memory_needed_per_device: float
    memory_usable_per_device: float
    fits: bool
    max_batch: int
    ttft_s: float
    prefill_tokens_per_s: float | None
    tpot_s: float | None
    decode_tokens_per_s: float | None
    total_tokens_per_s: float | None  # decode only: batch ÷ time per token
    output_tokens_per_s: float | None  # whole job: batch · generate ÷ (prefill + every decode step)
    bound: str
    prefill_bound: str
    arithmetic_intensity: float
    ridge_intensity: float  # where the achievable (η) roofs meet
    peak_ridge_intensity: float  # data-sheet peak FLOP/s ÷ peak bandwidth
    bytes_per_token: float
    flops_per_token: float
    interconnect_s_per_step: float
    energy_j_per_token: float
    usd_per_million_tokens: float | None
    relationships_per_forward: float
    peak_key: str
    eta_compute: float
    eta_memory: float
    runtime: str = ""
    warnings: tuple[str, ...] = ()  # things a person must know before trusting the figures

    def to_dict(self) -> dict:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


def scenario_warnings(s: Scenario, rt: Runtime) -> tuple[str, ...]:
    """Plain warnings about a valid scenario that runs outside what its figures mean (``rt``: the
    runtime the estimate already resolved)."""
    return _context_warning(s) + _setup_warnings(s, rt)


def _context_warning(s: Scenario) -> tuple[str, ...]:
    context = s.prompt + s.generate
    if context <= s.model.max_context:
        return ()
    return (f"prompt + generation = {context:,} tokens exceeds {s.model.name}'s trained context of "
            f"{s.model.max_context:,} tokens: the model was not trained for it (the cost figures still "
            "follow the formulas)",)


def _setup_warnings(s: Scenario, rt: Runtime) -> tuple[str, ...]:
    """The warnings about the model, formats and runtime (what ``resolve()`` reads, not the lengths)."""
    out = [f"{p}: physics only, no such run exists" for p in rt.format_problems(s.weights, s.kv)]
    m = s.model
    if not rt.ideal and (m.is_mla or m.experts > 1):
        kind = "latent attention" if m.is_mla else "mixture of experts"
        out.append(f"{m.name} uses {kind}; the runtime profiles were calibrated on dense Llama-2 models only, "
                   "so its speeds are uncalibrated (its extra kernels per layer, the active experts' whole weights "
                   "and expert-parallel all-to-alls are counted; fused-MoE and block-FP8 kernels at one token per "
                   "expert run well below the bandwidth these profiles were fitted at, which is not modelled: "
                   "DeepSeek-V3 on 8×H200 at batch 1 comes out ~5× the published speed)")
    return tuple(out)


class PassFigures(NamedTuple):
    """One pass (the prefill) or the mean decode pass, as plain floats."""

    time: float  # s
    flops: float
    bytes: float
    comm_time: float  # s on the links
    bound: int  # index into BOUND_NAMES


class _Fixed(NamedTuple):
    """What every Estimate of one resolution key shares (kept in ``Resolved.shared``)."""

    kv_bytes_per_token: float
    kv_ways: int
    ridge: float
    peak_ridge: float
    warnings: tuple[str, ...]


def _fixed(s: Scenario, r: Resolved) -> _Fixed:
    try:
        return r.shared["assembly"]
    except KeyError:
        f = r.shared["assembly"] = _Fixed(memory.kv_bytes_per_token(s.model, r.kv), r.kv_ways, r.ridge_intensity,
                                          r.peak_flops / r.bandwidth, _setup_warnings(s, r.runtime))
        return f


def assemble(s: Scenario, r: Resolved, *, w_bytes: float, kv_total: float, kv_per_seq: float, need: float,
             ttft: float, pre: PassFigures, dec: PassFigures | None, per_pass: float,
             relationships: float) -> Estimate:
    """The Estimate of ``s`` (resolved as ``r``) from its figures: the weights and KV bytes (0 without a
    KV cache), memory needed per device, time to first token, the prefill pass, the mean decode pass
    (None when nothing is generated), sequences per pass and relationships per forward pass."""
    m = s.model
    fx = _fixed(s, r)
    tpot = dec.time if dec else None
    if dec:
        src, tokens = dec, per_pass
    else:
        src, tokens = pre, per_pass * max(s.prompt, 1)
    # The first token arrives with the prefill; each further one costs a decode pass.
    total_time = ttft + (max(s.generate - 1, 0) * tpot if tpot else 0.0)
    tokens_out = s.batch * (s.generate if s.generate > 0 else s.prompt)
    energy = cost.energy_joules(s.devices, s.hardware.tdp_w, total_time)
    money = cost.usd(s.devices, r.price_per_hour, total_time)
    usable = r.usable_bytes
    e = object.__new__(Estimate)  # every field below: the frozen dataclass without its per-field __init__
    _set_dict(e, "__dict__", {
        "params_total": m.params_total,
        "params_active": m.params_active,
        "weight_bytes": w_bytes,
        "kv_cache_bytes": kv_total,
        "kv_bytes_per_token": (1.0 if s.kv_cache else 0.0) * fx.kv_bytes_per_token,
        "memory_needed_per_device": need,
        "memory_usable_per_device": usable,
        "fits": need <= usable,
        "max_batch": memory.max_batch(usable, w_bytes, r.reserve_bytes, kv_per_seq, s.devices, fx.kv_ways),
        "ttft_s": ttft,
        "prefill_tokens_per_s": (s.batch * s.prompt / ttft) if s.prompt > 0 else None,
        "tpot_s": tpot,
        "decode_tokens_per_s": (1.0 / tpot) if tpot else None,
        "total_tokens_per_s": (s.batch / tpot) if tpot else None,
        "output_tokens_per_s": (s.batch * s.generate / total_time) if s.generate > 0 else None,
        "bound": BOUND_NAMES[src.bound],
        "prefill_bound": BOUND_NAMES[pre.bound],
        "arithmetic_intensity": src.flops / src.bytes,
        "ridge_intensity": fx.ridge,
        "peak_ridge_intensity": fx.peak_ridge,
        "bytes_per_token": src.bytes / tokens,
        "flops_per_token": src.flops / tokens,
        "interconnect_s_per_step": src.comm_time,
        "energy_j_per_token": energy / tokens_out,
        "usd_per_million_tokens": cost.per_million(money, tokens_out),
        "relationships_per_forward": relationships,
        "peak_key": r.peak_key,
        "eta_compute": r.eta_compute,
        "eta_memory": r.eta_memory,
        "runtime": r.runtime.id,
        "warnings": _context_warning(s) + fx.warnings,
    })
    return e


_set_dict = object.__setattr__  # (instance, "__dict__", d): a frozen dataclass's fields all at once
