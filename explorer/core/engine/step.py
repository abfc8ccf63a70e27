"""One scheduler step (one forward pass) of a MIXED batch: a prompt chunk of P tokens plus n decoding
sequences, each at its own context (given here by their mean: the decode cost is linear in the context
for global attention, so the mean gives the sum exactly; sliding-window layers make it approximate).

This is the step function both the single-stream estimate and the serving model use:

- n decoding sequences and no prompt tokens: exactly :func:`passes.decode_step_time` (the matmuls as
  mat-vec/GEMM kernels bound by max(FLOPs, weight bytes), attention per sequence bound by max(FLOPs,
  KV bytes), the all-reduces, the runtime's cost per pass and per sequence);
- a prompt chunk alone: exactly :func:`passes.prefill_parts` (one roofline over the chunk's GEMMs and
  attention, small-GEMM efficiency over its P tokens, the runtime's prefill cost per pass);
- both: one pass over P + n tokens (chunked prefill, Sarathi-Serve / vLLM v1): the GEMMs run over all
  P + n rows, so the weights are read once for both; the decodes' KV reads are added to the memory side
  and their attention FLOPs to the compute side of the same roofline.
"""

from __future__ import annotations

import numpy as np

from explorer.core.engine.passes import _rates, _score_traffic, decode_step_time, moe_link_time
from explorer.core.engine.resolved import Resolved
from explorer.core.physics import flops, memory, parallel


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def chunk_flops(r: Resolved, tokens, offset) -> np.ndarray:
    """FLOPs of prompt positions offset … offset + tokens − 1 (matmuls and causal attention)."""
    m = r.scenario.model
    tokens, offset = _f(tokens), _f(offset)
    return flops.prefill_flops(m, offset + tokens) - flops.prefill_flops(m, offset)


def mixed_step_time(r: Resolved, prefill_tokens, decode_seqs, decode_ctx, prefill_offset=0.0) -> np.ndarray:
    """Seconds of one step carrying ``prefill_tokens`` prompt tokens (one chunk starting at
    ``prefill_offset``) and ``decode_seqs`` decoding sequences at mean context ``decode_ctx``.
    Vectorized over every argument (broadcast)."""
    s = r.scenario
    m = s.model
    p, n, ctx, off = np.broadcast_arrays(_f(prefill_tokens), _f(decode_seqs), _f(decode_ctx), _f(prefill_offset))
    dec = decode_step_time(r, ctx, np.maximum(n, 1.0))
    tokens = p + n
    f = chunk_flops(r, p, off) + n * flops.decode_step_flops(m, ctx)
    w_bytes = memory.weight_bytes_read(m, r.weights, tokens)
    kv_bytes = (memory.kv_cache_bytes(m, r.kv, off + p) + n * (memory.kv_cache_bytes(m, r.kv, ctx)
                                                               + memory.kv_bytes_per_token(m, r.kv)))
    comm = parallel.comm_time(s.parallel, m.layers, m.d_model, tokens, s.devices, r.activation_bytes, r.link,
                              r.link_latency, r.oneshot_latency)
    comm = comm + moe_link_time(r, tokens)
    rate, w_bw, kv_bw = _rates(r, 1.0)
    scale = np.maximum(tokens, 1.0) / (np.maximum(tokens, 1.0) + r.gemm_half) * r.prefill_format
    work = np.maximum(f / (rate * scale), w_bytes / w_bw + kv_bytes / kv_bw)
    extra = (r.prefill_overhead + r.seq_overhead * n + _score_traffic(r, np.maximum(p, 1.0), 1.0) / kv_bw
             + r.dequant_bytes / w_bw)
    mixed = work + comm + extra
    return np.where(p > 0, mixed, np.where(n > 0, dec, 0.0))


class StepTable:
    """The same step function as plain-float tables for the discrete-event simulation, which calls it
    10⁴–10⁶ times: ``time(p, n, ctx_mean)`` reads precomputed rows instead of running numpy on one
    number. Rows hold every decode batch n ≤ ``max_seqs`` at a context grid and every prompt chunk;
    between grid contexts the cost is interpolated linearly (it is linear in the context)."""

    def __init__(self, r: Resolved, max_seqs: int, max_ctx: float):
        self.max_seqs = int(max_seqs)
        n = np.arange(0, self.max_seqs + 1, dtype=np.float64)
        self.ctx_hi = float(max(max_ctx, 2.0))
        lo = mixed_step_time(r, 0.0, n, 0.0)
        hi = mixed_step_time(r, 0.0, n, self.ctx_hi)
        self.dec0 = lo.tolist()
        self.dec_slope = ((hi - lo) / self.ctx_hi).tolist()
        self._r = r  # mixed steps (a prompt chunk with decodes): the step function, memoised
        self._cache: dict[tuple[int, int, int, int], float] = {}

    def decode(self, n: int, ctx_mean: float) -> float:
        """A step with n decoding sequences at mean context ctx_mean and no prompt tokens."""
        if n <= 0:
            return 0.0
        return self.dec0[n] + self.dec_slope[n] * ctx_mean

    def mixed(self, p: int, n: int, ctx_mean: float, offset: float) -> float:
        """A step with a p-token prompt chunk at ``offset`` and n decodes (memoised on rounded inputs)."""
        key = (int(p), int(n), int(ctx_mean) >> 6, int(offset) >> 6)
        t = self._cache.get(key)
        if t is None:
            t = float(mixed_step_time(self._r, p, n, (key[2] << 6) + 32 if n else 0.0, (key[3] << 6)))
            if len(self._cache) < 200_000:
                self._cache[key] = t
        return t
