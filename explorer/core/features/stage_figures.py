"""The numbers a tour step puts on stage and quotes in its caption, computed from the step's own
scenario (B) and its pin (A) — so a caption can no longer drift from the model.

A tour caption writes ``{kv_per_token_less:.0f}×`` and :func:`fill_caption` fills it from
:func:`step_figures`. A step's ``stage.readouts`` names up to three of the same figures; the
stage shows each with :func:`readout_text`. Ratios: ``<figure>_ratio`` is B ÷ A and
``<figure>_less`` is A ÷ B (both only when the step pins an A). ``play_`` figures are the
step's own figures at the start of its ``play`` sweep, ``<figure>_gain`` the end over the start.
A highway step's figures (``hw_``, :data:`HIGHWAY`) are the serving model's on its road
(:func:`explorer.core.highway.traffic.highway`); ``hw_prev_`` the same road with one lane fewer
closed — what the step before "one more lane closed" showed.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from dataclasses import dataclass

from explorer.core.engine.estimate import Estimate, estimate
from explorer.core.highway import traffic
from explorer.core.physics import flops
from explorer.core.specs.checks import show
from explorer.core.specs.fields import brief_list
from explorer.core.state.scenario import Scenario

MAX_READOUTS = 3


@dataclass(frozen=True)
class Figure:
    label: str  # what the stage writes above the number
    unit: str  # after the number ("" for none)
    value: Callable[[Estimate], float | None]
    digits: int = 3  # significant digits on stage


FIGURES: dict[str, Figure] = {
    "tps": Figure("tokens/s, one stream", "", lambda e: e.decode_tokens_per_s),
    "tps_all": Figure("tokens/s, whole batch", "", lambda e: e.total_tokens_per_s),
    "tpot_ms": Figure("time per token", "ms", lambda e: None if e.tpot_s is None else e.tpot_s * 1e3),
    "ttft_ms": Figure("time to first token", "ms", lambda e: e.ttft_s * 1e3),
    "kv_per_token": Figure("KV cache per token", "MiB", lambda e: e.kv_bytes_per_token / 2**20),
    "weights_gb": Figure("weights", "GB", lambda e: e.weight_bytes / 1e9),
    "weights_gib": Figure("weights", "GiB", lambda e: e.weight_bytes / 2**30),
    "memory_gib": Figure("memory needed per device", "GiB", lambda e: e.memory_needed_per_device / 2**30),
    "usable_gib": Figure("usable memory per device", "GiB", lambda e: e.memory_usable_per_device / 2**30),
    "gflops_per_token": Figure("GFLOPs per token", "", lambda e: e.flops_per_token / 1e9),
    "gb_per_token": Figure("bytes read per token", "GB", lambda e: e.bytes_per_token / 1e9),
    "usd_per_m": Figure("$ per million tokens", "$", lambda e: e.usd_per_million_tokens),
    "params_b": Figure("parameters", "B", lambda e: e.params_total / 1e9),
}
# The highway's figures: (label above the number, unit). Open loop unless said.
HIGHWAY: dict[str, tuple[str, str]] = {
    "hw_rate": ("requests arriving per second", ""),
    "hw_capacity": ("requests/s the road carries", ""),
    "hw_rho": ("load ÷ capacity (ρ)", ""),
    "hw_lanes": ("lanes", ""),
    "hw_open": ("lanes open", ""),
    "hw_closed": ("lanes closed", ""),
    "hw_running": ("requests in the batch", ""),
    "hw_batch_capacity": ("requests the KV cache admits", ""),
    "hw_ttft_p99_s": ("time to first token, p99", "s"),
    "hw_tpot_ms": ("time per token", "ms"),
    "hw_step_ms": ("one step", "ms"),
    "hw_tokens_per_s": ("tokens/s, all requests", ""),
    "hw_queue_growth": ("queue growth, requests/s", ""),
    "hw_prompt": ("prompt", " tokens"),
    "hw_generate": ("reply", " tokens"),
}
RATIO_LABELS = {"_ratio": "B ÷ A", "_less": "A ÷ B", "_gain": "end ÷ start"}


def _scenario_figures(s: Scenario) -> dict[str, float]:
    e = estimate(s)
    out = {}
    for name, fig in FIGURES.items():
        v = fig.value(e)
        if v is not None and math.isfinite(v):
            out[name] = float(v)
    m = s.model
    n = max(1, s.prompt + s.generate)
    first = float(flops.decode_step_flops(m, 0))
    out["context"] = float(n)
    out["n_star"] = float(flops.attention_crossover(m))
    # What the last token of the context costs, and the mean over all n, against the first token's.
    out["last_token_cost"] = float(flops.decode_step_flops(m, n - 1)) / first
    out["mean_token_cost"] = float(flops.prefill_flops(m, n)) / (n * first)
    out["pairs_per_head"] = float(n) ** 2
    return out


def _road_figures(road: traffic.Road) -> dict[str, float]:
    out = {"hw_lanes": float(road.lanes), "hw_open": float(road.open_lanes), "hw_closed": float(road.closed_lanes),
           "hw_capacity": road.capacity, "hw_batch_capacity": road.batch_capacity,
           "hw_prompt": float(road.scenario.prompt), "hw_generate": float(road.scenario.generate)}
    if not road.closed_loop:
        out["hw_rate"] = road.demand
        out["hw_queue_growth"] = road.queue_growth
        if road.rho is not None:
            out["hw_rho"] = road.rho
    p = road.point
    if p is not None:
        out.update(hw_running=p.mean_running, hw_ttft_p99_s=p.ttft_p99, hw_tpot_ms=p.tpot_s * 1e3,
                   hw_step_ms=p.step_s * 1e3, hw_tokens_per_s=p.output_tokens_per_s)
    return {k: float(v) for k, v in out.items() if math.isfinite(v)}  # unbounded (past capacity): absent


def highway_figures(s: Scenario, lanes: int = traffic.DEFAULT_LANES, closed: int = 0,
                    shared_fraction: float = 0.0) -> dict[str, float]:
    """The highway's figures for ``s`` on its road, and (``hw_prev_``) with one lane fewer closed."""
    out = _road_figures(traffic.highway(s, lanes, closed, shared_fraction))
    if closed >= 1:
        out.update({"hw_prev_" + k[3:]: v for k, v in
                    _road_figures(traffic.highway(s, lanes, closed - 1, shared_fraction)).items()})
    return out


def step_figures(scenario: Scenario, pin: Scenario | None = None, play: tuple[str, float, float] | None = None,
                 highway: dict | None = None) -> dict[str, float]:
    """Every figure of the step: B's, ``a_``-prefixed A's and the ratios (with a pin), ``play_``-
    prefixed ones at the start of the sweep and their gains (with a play: field, from, to), and
    the highway's (``highway``: lanes, closed, shared_fraction)."""
    b = _scenario_figures(scenario)
    out = dict(b)
    if highway is not None:
        out.update(highway_figures(scenario, **highway))
    if pin is not None:
        a = _scenario_figures(pin)
        for k, va in a.items():
            out["a_" + k] = va
            if k in b and va and b[k]:
                out[k + "_ratio"] = b[k] / va
                out[k + "_less"] = va / b[k]
    if play is not None:
        field, start, stop = play
        s0 = _scenario_figures(scenario.with_(**{field: int(start)}))
        s1 = _scenario_figures(scenario.with_(**{field: int(stop)}))
        for k, v0 in s0.items():
            out["play_" + k] = v0
            out["end_" + k] = s1.get(k, float("nan"))
            if k in s1 and v0:
                out[k + "_gain"] = s1[k] / v0
    return out


class CaptionError(ValueError):
    """A caption names a figure the step does not have, or is not a valid template."""


def placeholders(caption: str) -> list[str]:
    try:
        return [f for _t, f, _s, _c in string.Formatter().parse(caption) if f]
    except ValueError as exc:
        raise CaptionError(f"caption is not a valid template ({exc})") from None


def fill_caption(caption: str, figures: dict[str, float]) -> str:
    """``{name:fmt}`` in a caption → the step's figure; a plain caption comes back unchanged."""
    fields = placeholders(caption)
    access = [f for f in fields if "." in f or "[" in f]  # {x.attr} / {x[0]}: never reach into objects
    if access:
        raise CaptionError(f"caption field {show(access[0])} is not a figure name "
                           f"(a format goes after a colon, as in {{context:.0f}})")
    missing = [f for f in fields if f not in figures]
    if missing:
        raise CaptionError(f"caption names unknown figure(s): {brief_list([show(m) for m in missing])} "
                           f"(known: {', '.join(sorted(k for k in figures if '_' not in k or k in FIGURES))} …)")
    try:
        return caption.format_map(figures)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise CaptionError(f"caption cannot be filled ({str(exc)[:200]})") from None


def _base(name: str) -> tuple[str, str]:
    """(figure, suffix or prefix kind) of a derived figure name."""
    for suffix in RATIO_LABELS:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    if name.startswith("hw_prev_"):
        return "hw_" + name[len("hw_prev_"):], "hw_prev_"
    for prefix in ("a_", "play_", "end_"):
        if name.startswith(prefix):
            return name[len(prefix):], prefix
    return name, ""


def known(name: str) -> bool:
    base, _kind = _base(name)
    return base in FIGURES or base in HIGHWAY or base in ("last_token_cost", "mean_token_cost", "n_star", "context", "pairs_per_head")


def number(v: float, digits: int = 3) -> str:
    """3 significant digits, thousands separated: 0.125, 7.53, 138, 1,008, 53,249."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    if abs(v) >= 10 ** digits:
        return f"{v:,.0f}"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(v)))))
    return f"{v:,.{decimals}f}"


def readout_text(name: str, figures: dict[str, float]) -> tuple[str, str]:
    """(label, value) for a stage readout: ("KV cache per token, A ÷ B", "4.0×")."""
    base, kind = _base(name)
    v = figures.get(name)
    extra = {"last_token_cost": ("last token's FLOPs ÷ first's", "×"), "mean_token_cost": ("mean token's FLOPs ÷ first's", "×"),
             "n_star": ("n*", " tokens"), "context": ("context", " tokens"),
             "pairs_per_head": ("pairs per head", "")}
    extra.update(HIGHWAY)
    label, unit = (FIGURES[base].label, FIGURES[base].unit) if base in FIGURES else extra.get(base, (base, ""))
    if v is None:
        return label, "—"
    if kind in RATIO_LABELS:
        return f"{label}: {RATIO_LABELS[kind]}", f"{number(v, 2)}×"
    prefix = {"a_": "A: ", "play_": "start: ", "end_": "end: ", "hw_prev_": "before: "}.get(kind, "")
    if unit.startswith(" "):  # a word (tokens) goes with the label: the number stays big
        return f"{prefix}{label} ({unit.strip()})", number(v)
    text = f"${number(v)}" if unit == "$" else f"{number(v)}{unit if unit.startswith('×') else ' ' + unit if unit else ''}"
    return prefix + label, text
