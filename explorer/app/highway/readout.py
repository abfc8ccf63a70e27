"""The highway's words: the state and the sentence under it, from the road's figures (no
formulas: every number is a field of explorer.core.highway.traffic.Road)."""

from __future__ import annotations

import math

from ...core.highway import traffic
from ...core.physics.units import bandwidth, count, duration, rate
from ...core.text.serving_words import load_words, rate_figure


def state_words(st: traffic.Road, fits: bool) -> tuple[str, str]:
    if not fits:
        return "does not fit", "no traffic to show"
    if st.point is None:
        return st.state, "no bandwidth"
    if st.closed_loop:
        return st.state, f"batch {st.point.mean_running:.0f} of {st.batch_capacity:.0f}"
    return st.state, f"ρ = {st.rho:.2f}"


def readout_text(st: traffic.Road, fits: bool, error_colour: str) -> str:
    prefix = (f"<span style='color:{error_colour}'>Does not fit in memory — figures below are only what it "
              "would do if it fit.</span> " if not fits else "")
    shared = f" ({st.shared_lanes} taken by CPU/display)" if st.shared_lanes else ""
    lanes = (f"{st.open_lanes} of {st.lanes} lanes × {bandwidth(st.lane_bandwidth)} = "
             f"<b>{bandwidth(st.open_bandwidth)}</b> open{shared}")
    p = st.point
    if p is None:
        return prefix + f"All {st.lanes} lanes closed: no bandwidth, no step can run."
    step = (f"each step carries the batch of <b>{p.mean_running:,.1f}</b> requests (of {count(st.batch_capacity)} "
            f"admitted at most) in <b>{duration(p.step_s)}</b> (× {st.slowdown:.2f} vs all lanes open; closing one "
            f"more lane makes its memory-bound part × {traffic.lane_factor(st.open_lanes):.3f})")
    ttft = duration(p.ttft_p99) if math.isfinite(p.ttft_p99) else "unbounded"
    figures = (f"TTFT p99 <b>{ttft}</b> · TPOT <b>{duration(p.tpot_s)}</b> · "
               f"<b>{rate(p.output_tokens_per_s)}</b> · {rate(p.requests_per_s, 'requests/s')}")
    if st.closed_loop:
        load = (f"Closed loop: {load_words('concurrency', st.scenario.load)}, each waiting for its reply; "
                f"{p.queue_length:,.0f} wait on the on-ramp")
    elif st.rho is not None and st.rho >= 1:
        load = (f"Open loop: {load_words('rate', st.demand)} arrive, the road carries <b>{rate_figure(st.capacity)}</b>: the "
                f"on-ramp queue grows by {load_words('rate', st.queue_growth)} without bound, while the cars on the road "
                "keep moving")
    else:
        load = (f"Open loop: {load_words('rate', st.demand)} arrive, the road carries up to <b>{rate_figure(st.capacity)}</b> "
                f"(ρ = {st.rho:.2f})")
    return prefix + f"{load}. {lanes}; {step}. {figures}."
