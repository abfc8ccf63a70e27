"""What arrives at a server: request lengths, the way requests arrive, and the latency target.

Units: lengths in tokens, times in seconds, rates in requests/s. All three are frozen values;
:func:`from_scenario` builds them from a Scenario's serving fields.

Regimes:
- closed loop (``Load.kind == "concurrency"``): N clients, each sending its next request when its
  last reply is done (plus ``think_s``); the load adapts to the server, no queue grows without bound;
- open loop (``"rate"``): requests arrive at λ/s whatever the server does (gamma gaps with CV
  ``burstiness``; 1 = Poisson); past capacity the queue, and TTFT, grow without bound;
- trace (``"trace"``): arrival times and lengths read from a CSV file (open loop, replayed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LENGTH_KINDS = ("fixed", "uniform", "lognormal", "chat")
LOAD_KINDS = ("concurrency", "rate", "trace")

# Chat-like lengths: ShareGPT conversations as the vLLM paper measured them (Kwon et al., "Efficient
# Memory Management for Large Language Model Serving with PagedAttention", SOSP 2023, §6.1 and
# Fig. 11: mean input 161 tokens, mean output 338 tokens, "8.4× longer inputs and 5.8× longer outputs
# than Alpaca"), long-tailed. The spread (std ÷ mean = 1.0, lognormal) is an estimate read from the
# shape of that figure's histograms, not a published number.
CHAT_INPUT_MEAN = 161
CHAT_OUTPUT_MEAN = 338
CHAT_SPREAD = 1.0


@dataclass(frozen=True)
class Workload:
    """Request lengths (tokens). ``kind``: "fixed" (every request input_mean/output_mean);
    "uniform" (mean ± spread·mean); "lognormal" (given mean, std = spread·mean); "chat" (lognormal
    with the ShareGPT shape above, scaled to the given means)."""
    input_mean: float
    output_mean: float
    kind: str = "fixed"
    spread: float = 0.0  # uniform: half-width ÷ mean (≤ 1); lognormal/chat: std ÷ mean

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` (input, output) length pairs as int64 arrays; outputs are at least 1 token."""
        inp = _draw(self.kind, self.input_mean, self._spread, n, rng)
        out = _draw(self.kind, self.output_mean, self._spread, n, rng)
        return np.maximum(inp, 0), np.maximum(out, 1)

    @property
    def _spread(self) -> float:
        return CHAT_SPREAD if self.kind == "chat" else self.spread

    @property
    def output_cv(self) -> float:
        """std ÷ mean of the output length (0 for fixed)."""
        if self.kind == "fixed":
            return 0.0
        if self.kind == "exponential":
            return 1.0
        return self._spread / np.sqrt(3.0) if self.kind == "uniform" else self._spread


def _draw(kind: str, mean: float, spread: float, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "fixed" or (spread <= 0 and kind != "exponential") or mean <= 0:
        return np.full(n, int(round(mean)), dtype=np.int64)
    if kind == "uniform":
        x = rng.uniform(mean * (1 - spread), mean * (1 + spread), n)
    elif kind == "exponential":  # traces and queueing tests (M/M/1): spread is ignored
        x = 1.0 + rng.exponential(mean - 1.0, n)
    else:  # lognormal with the given mean and std = spread · mean
        sigma2 = np.log1p(spread * spread)
        x = rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), n)
    return np.rint(x).astype(np.int64)


@dataclass(frozen=True)
class Load:
    """How requests arrive. ``value``: clients (concurrency) or requests/s (rate); unused for a
    trace. ``burstiness``: CV of the gaps (open loop; 1 = Poisson). ``think_s``: closed loop only."""
    kind: str = "concurrency"
    value: float = 1.0
    burstiness: float = 1.0
    think_s: float = 0.0

    def gaps(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Open loop: ``n`` gaps between arrivals (s), gamma with mean 1/λ and CV ``burstiness``."""
        shape = 1.0 / max(self.burstiness, 1e-3) ** 2
        return rng.gamma(shape, 1.0 / (self.value * shape), n)


@dataclass(frozen=True)
class SLO:
    """Latency target: a request meets it when TTFT ≤ ttft_s and TPOT ≤ tpot_s; the target holds
    at a load when the ``percentile``-th percentile of each meets it."""
    ttft_s: float = 2.0
    tpot_s: float = 0.1
    percentile: int = 90


@dataclass(frozen=True)
class Trace:
    """Replayed requests: arrival times (s from the start), input and output lengths (tokens)."""
    arrival_s: np.ndarray
    input_tokens: np.ndarray
    output_tokens: np.ndarray


def from_scenario(s) -> tuple[Workload, Load, SLO]:
    """The serving fields of a Scenario as values."""
    spread = s.length_spread if s.lengths in ("uniform", "lognormal") else 0.0
    return (Workload(float(s.prompt), float(max(s.generate, 1)), s.lengths, spread),
            Load(s.load_kind, float(s.load), float(s.burstiness), float(s.think_s)),
            SLO(s.slo_ttft_ms / 1e3, s.slo_tpot_ms / 1e3, int(s.slo_percentile)))
