"""What the serving model returns. Units: seconds (``_s``), tokens/s, requests/s; occupancy is a
share in [0, 1]; counts are requests. A latency that grows without bound (open loop past
capacity) is ``inf``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

BINDING_LIMITS = ("kv_capacity", "running_limit", "compute", "bandwidth")
LATENCIES = ("ttft", "tpot", "itl", "e2e")  # each has a mean `<name>_s` and `<name>_p50/_p90/_p99`


@dataclass(frozen=True)
class Knee:
    """The highest load meeting the latency target (clients or requests/s, as the scenario's load
    kind; 0 when even the lightest load misses it) and the limit that stops more."""
    load: float
    binding_limit: str  # one of BINDING_LIMITS


@dataclass(frozen=True)
class ServingPoint:
    """One load point (mean-field steady state or a simulation's summary)."""
    load_kind: str  # "concurrency" | "rate" | "trace"
    load: float  # clients or requests/s
    ttft_s: float  # arrival → first token (queueing + prefill), mean
    ttft_p50: float
    ttft_p90: float
    ttft_p99: float
    tpot_s: float  # (E2E − TTFT) ÷ (output − 1) per request, mean over requests (vLLM's definition)
    tpot_p50: float
    tpot_p90: float
    tpot_p99: float
    itl_s: float  # gap between consecutive tokens of one request, mean over tokens
    itl_p50: float
    itl_p90: float
    itl_p99: float
    e2e_s: float  # arrival → last token
    e2e_p50: float
    e2e_p90: float
    e2e_p99: float
    output_tokens_per_s: float  # generated tokens per second, all devices
    requests_per_s: float  # completed requests per second
    goodput_requests_per_s: float  # requests/s that meet the target (TTFT and TPOT) at its percentile
    mean_running: float  # requests in the running batch, time average
    kv_occupancy: float  # share of the KV blocks in use, time average
    queue_length: float  # requests waiting for admission, time average
    step_s: float  # mean time of one scheduler step (forward pass + runtime cost)
    meets_slo: bool
    binding_limit: str  # what limits this point (see BINDING_LIMITS)
    knee: float  # the scenario's knee (Knee.load), repeated for --json

    def to_dict(self) -> dict:
        return {k: _plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ServingCurve:
    """The mean-field model over many load points: every array has one entry per load point."""
    load_kind: str
    loads: np.ndarray
    ttft_s: np.ndarray
    ttft_p50: np.ndarray
    ttft_p90: np.ndarray
    ttft_p99: np.ndarray
    tpot_s: np.ndarray
    tpot_p50: np.ndarray
    tpot_p90: np.ndarray
    tpot_p99: np.ndarray
    itl_s: np.ndarray
    itl_p50: np.ndarray
    itl_p90: np.ndarray
    itl_p99: np.ndarray
    e2e_s: np.ndarray
    e2e_p50: np.ndarray
    e2e_p90: np.ndarray
    e2e_p99: np.ndarray
    output_tokens_per_s: np.ndarray
    requests_per_s: np.ndarray
    goodput_requests_per_s: np.ndarray
    mean_running: np.ndarray
    kv_occupancy: np.ndarray
    queue_length: np.ndarray
    step_s: np.ndarray
    meets_slo: np.ndarray  # bool
    limit: np.ndarray  # index into BINDING_LIMITS of what limits each point
    knee: Knee
    capacity_requests: float  # requests the KV cache and the running limit admit at once
    binding_limit: str = ""  # = knee.binding_limit

    def point(self, i: int) -> ServingPoint:
        names = [f for f in ServingPoint.__dataclass_fields__ if f not in
                 ("load_kind", "load", "binding_limit", "knee", "meets_slo")]
        vals = {n: float(getattr(self, n)[i]) for n in names}
        return ServingPoint(load_kind=self.load_kind, load=float(self.loads[i]), meets_slo=bool(self.meets_slo[i]),
                            binding_limit=BINDING_LIMITS[int(self.limit[i])], knee=self.knee.load, **vals)


@dataclass(frozen=True)
class SimResult:
    """A discrete-event run: the summary, every request and the time series (sampled at events)."""
    summary: ServingPoint
    ttft: np.ndarray  # per completed request, s
    tpot: np.ndarray
    e2e: np.ndarray
    t: np.ndarray  # time series: time (s)
    running: np.ndarray  # requests in the running batch
    kv_occupancy: np.ndarray  # share of KV blocks in use
    queue: np.ndarray  # requests waiting for admission
    preemptions: int = 0
    completed: int = 0
    steps: int = 0
    cancelled: bool = False
    notes: tuple[str, ...] = field(default=())


def _plain(v):
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v
