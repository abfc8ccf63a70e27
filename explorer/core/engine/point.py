"""One scenario's estimate in plain floats: the scalar twin of the vectorized pass functions
(``passes.py``), for the one point ``estimate()`` asks for (numpy costs ~1 µs a call on a single
number; here every figure is Python float arithmetic, in the same order as the vectorized path).

The mean decode over a generation is the vectorized path's weighted sum over its sampled contexts
(``passes.mean_decode``: exact up to MEAN_SAMPLES steps, a trapezoid beyond), taken in closed form:
with a KV cache a decode pass costs max(matmul FLOPs, weight bytes) — both independent of the
context t — plus max(attention FLOPs, KV bytes), each linear in t on either side of a sliding window's
edge. So the weighted sum needs only Σw and Σw·t over the samples on each side of two points: the
window's edge and where attention turns from memory- to compute-bound (kept per sample grid as
prefix sums). Without a KV cache (each step re-runs the prefix: quadratic in t) the vectorized mean
is used as it is.

``tests/core/engine/test_point.py`` holds every field equal to ``sweep.estimate_vectorized`` over
random scenarios (models × runtimes × formats × lengths × batch × devices × layouts).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate
from operator import mul

import numpy as np

from explorer.core.engine.assembly import Estimate, PassFigures, assemble
from explorer.core.engine.passes import MEAN_SAMPLES, expert_all_to_all, mean_decode
from explorer.core.engine.resolved import Resolved
from explorer.core.physics import memory, parallel
from explorer.core.specs.model import ModelSpec
from explorer.core.state.scenario import Scenario


def estimate_point(s: Scenario, r: Resolved) -> Estimate:
    """The Estimate of ``s`` (resolved as ``r``), every figure computed on floats."""
    c = _consts(r)
    batch, prompt, generate = s.batch, s.prompt, s.generate
    b = float(batch)
    if c.pipeline:  # parallel.pass_batch: a pipeline's micro-batch
        b = b / min(c.devices, b)
    n = float(prompt + generate)
    if not s.kv_cache:
        kv_per_seq = kv_total = 0.0
    elif c.linear:  # memory.kv_cache_bytes: a fixed state
        kv_per_seq, kv_total = 1.0 * c.state_kv, float(batch) * c.state_kv
    else:
        held = c.lg * n
        if c.ls:
            held = held + c.ls * min(n, c.window)
        held = held / c.layers
        kv_per_seq, kv_total = 1.0 * c.kv_per_token * held, float(batch) * c.kv_per_token * held
    need = c.w_bytes / c.devices + kv_total / c.kv_ways_or_devices + r.reserve_bytes
    pre = c.prefill(float(max(prompt, 1)), b)
    if prompt > 0:
        ttft = pre.time
        if c.pipeline:  # parallel.pipeline_fill: fill and drain
            ttft = ttft * ((min(c.devices, batch) + c.devices - 1) / c.devices)
    else:
        ttft = c.decode_time(0.0, b, s.kv_cache)
    dec = None
    if generate > 0:
        dec = c.mean_decode(prompt, generate, b) if s.kv_cache else _vector_mean(r, s)
    if c.linear:  # flops.relationships_per_forward
        relationships = 0.0
    else:
        relationships = c.layers * (c.heads * ((c.lg * n * n + c.ls * n * min(n, c.window or 1)) / c.layers))
    return assemble(s, r, w_bytes=c.w_bytes, kv_total=kv_total, kv_per_seq=kv_per_seq, need=need, ttft=ttft,
                    pre=pre, dec=dec, per_pass=b, relationships=relationships)


def _consts(r: Resolved) -> _Consts:
    """The constants of ``r``'s resolution key, computed once per key (``Resolved.shared``)."""
    try:
        return r.shared["point"]
    except KeyError:
        c = r.shared["point"] = _Consts(r)
        return c


def _vector_mean(r: Resolved, s: Scenario) -> PassFigures:
    d = mean_decode(r, s.prompt, s.generate)
    return PassFigures(float(d["time"]), float(d["flops"]), float(d["bytes"]), float(d["comm_time"]),
                       int(d["bound"]))


def _cached_tokens(m: ModelSpec, t: float) -> float:
    """memory.cached_tokens_per_layer (softmax attention)."""
    held = m.global_layers * t
    if m.sliding_layers:
        held = held + m.sliding_layers * min(t, m.window)
    return held / m.layers


class _Consts:
    """What every pass of one resolution key shares (everything but the batch and the lengths):
    rates, link time, weight bytes."""

    def __init__(self, r: Resolved):
        s = r.scenario
        m = s.model
        self.r, self.m = r, m
        devices = s.devices
        self.devices, self.parallel = devices, s.parallel
        self.pipeline = s.parallel == "pipeline" and devices > 1
        split = devices if s.parallel == "tensor" else 1
        bw = r.bandwidth * r.eta_memory
        kv_split = min(devices, m.kv_shards) if s.parallel == "tensor" else 1
        self.rate = r.peak_flops * r.eta_compute * split
        self.attn_rate = self.rate * r.attn_share  # decode attention's own roof
        self.w_bw = bw * split  # × the weight format's stream share
        self.kv_bw = bw * kv_split * r.kv_read
        self.kv_bpv = r.kv.bytes_per_value
        self.kv_per_token = m.kv_elements_per_token * self.kv_bpv
        self.lin = 2.0 * m.matmul_params_per_token
        self.head = 2.0 * m.lm_head_matmul_params
        stored = m.params_total - m.embedding_params - m.lm_head_params
        self.stored = float(stored)
        self.per_param = memory.body_bytes(m, r.weights) / stored
        w = r.weights
        self.head_bytes = m.lm_head_matmul_params * w.output_bytes_per_value
        self.emb = w.output_bytes_per_value if m.tied_embeddings else w.embedding_bytes_per_value
        self.link = r.link_bandwidth if r.link_bandwidth > 0 else 1.0
        self.act = r.activation_bytes
        self.moe_a2a = expert_all_to_all(r)
        self.w_bytes = memory.weight_bytes(m, r.weights)
        self.kv_ways_or_devices = r.kv_ways or devices
        self.decode_fixed: dict[float, tuple[float, float, float, float, float, float]] = {}  # per batch
        # The model's shape, as plain attributes (its derived figures are properties)
        self.linear = m.attention == "linear"
        self.lg, self.ls, self.window, self.layers, self.heads = (m.global_layers, m.sliding_layers, m.window,
                                                                  m.layers, m.heads)
        self.state_kv = m.state_elements * self.kv_bpv
        self.afk, self.afk_decode = m.attn_flops_per_key, m.attn_flops_per_key_decode
        self.linear_attn = m.layers * 4.0 * m.heads * m.hd * m.hd  # attention FLOPs per token, linear attention
        self.moe = m.is_moe
        self.stream_read = self.stored * self.per_param + self.head_bytes  # weight bytes read but the embedding rows
        self.vocab, self.d_model = m.vocab, m.d_model
        self.dequant_time = r.dequant_bytes / (self.w_bw * 1.0)
        self.score_passes = r.score_passes

    # -- physics, one number at a time (the vectorized functions named in each docstring) ------
    def weight_bytes_read(self, tokens: float) -> float:
        """memory.weight_bytes_read."""
        m = self.m
        body = self.stored
        if m.is_moe:
            e, k = m.experts, m.active_experts
            touched = e * (1.0 - (1.0 - k / e) ** tokens)
            body = body - m.moe_layers * m.experts * m.expert_params + m.moe_layers * touched * m.expert_params
        rows = min(tokens, m.vocab) * m.d_model
        return body * self.per_param + self.head_bytes + rows * self.emb

    def comm_time(self, tokens: float) -> float:
        """parallel.comm_time (the same function: one all-reduce formula for both paths)."""
        n = self.devices
        if n <= 1:
            return 0.0
        m, r = self.m, self.r
        t = float(parallel.comm_time(self.parallel, m.layers, m.d_model, tokens, n, self.act, self.link,
                                     r.link_latency, r.oneshot_latency))
        if self.moe_a2a:  # passes.moe_link_time
            t += float(parallel.moe_alltoall_extra(m.moe_layers, m.d_model, m.active_experts, tokens, n,
                                                   self.act, self.link, r.link_latency, r.oneshot_latency))
        return t

    def pairs(self, n: float) -> float:
        """Causal (query, key) pairs of an n-token prompt summed over layers: n(n+1)/2 in a global
        layer; a sliding layer's keys stop at its window (flops.attention_flops_prefill's count)."""
        pairs = self.lg * (n * (n + 1) / 2)
        if self.ls:
            w = float(self.window)
            k = min(n, w)
            pairs = pairs + self.ls * (k * (k + 1) / 2 + max(n - w, 0.0) * w)
        return pairs

    def attn_decode(self, t: float) -> float:
        """flops.attention_flops_decode."""
        m = self.m
        if m.attention == "linear":
            return m.layers * 4.0 * m.heads * m.hd * m.hd
        keys = m.global_layers * (t + 1)
        if m.sliding_layers:
            keys = keys + m.sliding_layers * min(t + 1, m.window)
        return m.attn_flops_per_key_decode * keys

    def seq_kv(self, t: float) -> float:
        """KV bytes one decoding sequence reads at context t (passes._decode_terms)."""
        m = self.m
        if m.attention == "linear":
            return 2.0 * (m.state_elements * self.kv_bpv)
        return self.kv_per_token * _cached_tokens(m, t) + self.kv_per_token

    def prefill_flops(self, n: float, batch: float) -> float:
        """flops.prefill_flops."""
        if n <= 0:
            return 0.0
        attn = self.linear_attn * n if self.linear else self.afk * self.pairs(n)
        return batch * (self.lin * n + self.head + attn)

    def score_traffic(self, n: float, batch: float) -> float:
        """passes._score_traffic."""
        r, m = self.r, self.m
        c = min(n, r.score_chunk)
        full = n * (n + c) / 2
        pairs = m.global_layers * full
        if m.sliding_layers:
            pairs = pairs + m.sliding_layers * min(full, n * (m.window + c))
        return r.score_passes * 4.0 * m.heads * pairs * batch

    # -- passes ------------------------------------------------------------------------------
    def prefill(self, n: float, b: float) -> PassFigures:
        """passes.prefill_parts: one prefill pass over n prompt tokens of each of b sequences."""
        r = self.r
        tokens = n * b
        if self.linear:  # memory.kv_cache_bytes: a fixed state
            kv_bytes = b * self.state_kv
        else:
            held = self.lg * n
            if self.ls:
                held = held + self.ls * min(n, self.window)
            kv_bytes = b * self.kv_per_token * (held / self.layers)
        if self.moe:
            w_bytes = self.weight_bytes_read(tokens)
        else:  # memory.weight_bytes_read of a dense model
            w_bytes = self.stream_read + min(tokens, self.vocab) * self.d_model * self.emb
        comm = self.comm_time(tokens) if self.devices > 1 else 0.0
        work = self.prefill_flops(n, b)
        rate = self.rate * (tokens / (tokens + r.gemm_half) * r.prefill_format)
        scores = self.score_traffic(n, b) / self.kv_bw if self.score_passes else 0.0
        extra = r.prefill_overhead + scores + self.dequant_time
        mem_time = w_bytes / (self.w_bw * 1.0) + kv_bytes / self.kv_bw
        tc = work / rate
        busy = max(tc, mem_time)
        bound = 2 if comm > busy else (1 if tc > mem_time else 0)
        return PassFigures(busy + comm + extra, work, w_bytes + kv_bytes, comm, bound)

    def decode_time(self, t: float, b: float, kv_cache: bool) -> float:
        """passes.decode_step_time: one decode pass of b sequences at context t."""
        r = self.r
        if kv_cache:
            attn = self.attn_decode(t)
            seq_flops = (self.lin + self.head + attn) - attn
            seq_kv = self.seq_kv(t)
            w_bytes = self.weight_bytes_read(b)
            tokens = b
        else:
            attn = seq_kv = 0.0
            seq_flops = self.prefill_flops(t + 1, 1.0)
            tokens = b * (t + 1)
            w_bytes = self.weight_bytes_read(tokens)
        rate = self.rate
        gemm = max(b * (seq_flops / rate), w_bytes / (self.w_bw * r.decode_format))
        att = b * max(attn / self.attn_rate, seq_kv / self.kv_bw)
        return gemm + att + self.comm_time(tokens) + r.decode_overhead + r.seq_overhead * b

    def _decode_fixed(self, b: float) -> tuple[float, float, float, float, float, float]:
        """What a decode pass of b sequences costs whatever the context: matmul FLOPs, weight bytes,
        their times, link time, and the time of every part but attention (kept per batch)."""
        try:
            return self.decode_fixed[b]
        except KeyError:
            pass
        r = self.r
        mm_flops = b * (self.lin + self.head)
        w_bytes = self.weight_bytes_read(b)
        tw = w_bytes / (self.w_bw * r.decode_format)
        tc_mm = mm_flops / self.rate
        comm = self.comm_time(b)
        fixed = max(tc_mm, tw) + comm + r.decode_overhead + r.seq_overhead * b
        if len(self.decode_fixed) >= 256:
            self.decode_fixed.clear()
        out = self.decode_fixed[b] = (mm_flops, w_bytes, tw, tc_mm, comm, fixed)
        return out

    def mean_decode(self, prompt: int, generate: int, b: float) -> PassFigures:
        """passes.mean_decode with a KV cache, in closed form over the sample grid (module docstring)."""
        attn_rate, kv_bw = self.attn_rate, self.kv_bw
        g = _prefix(generate)
        total_w = g.s0[-1]
        mm_flops, w_bytes, tw, tc_mm, comm, fixed = self._decode_fixed(b)
        # Link-bound samples: where the link time exceeds the work, which only grows with t: a prefix.
        n_link = 0
        if comm > 0.0 and comm > self._work(float(prompt), tc_mm, tw, b):
            n_link = bisect_left(g.u, True, key=lambda u: comm <= self._work(u + prompt, tc_mm, tw, b))
        # Per segment: attention FLOPs a0 + a1·u and KV bytes k0 + k1·u per sequence, u = t − prompt.
        attn_sum = flops_sum = kv_sum = 0.0
        share_compute = 0.0  # weight of the samples (not link-bound) whose compute time exceeds memory time
        for i, j, a0, a1, k0, k1 in self._segments(g, float(prompt)):
            if j <= i:
                continue
            w0, w1 = g.s0[j] - g.s0[i], g.s1[j] - g.s1[i]
            flops_sum += a0 * w0 + a1 * w1
            kv_sum += k0 * w0 + k1 * w1
            # max(A, K) = K + max(A − K, 0): D = A − K is linear in u, positive on one side of its root.
            d0, d1 = a0 / attn_rate - k0 / kv_bw, a1 / attn_rate - k1 / kv_bw
            attn_sum += k0 / kv_bw * w0 + k1 / kv_bw * w1 + _positive_part(g, i, j, d0, d1)
            # compute − memory time: (mm + b·a)/rate − (tw + b·k/kv_bw), linear in u.
            share_compute += _positive_part(g, max(i, n_link), j, (tc_mm - tw) + b * d0, b * d1, weight_only=True)
        time = fixed * total_w + b * attn_sum
        flops_ = mm_flops * total_w + b * flops_sum
        bytes_ = w_bytes * total_w + b * kv_sum
        share_link = g.s0[n_link]
        bound, most = 0, total_w - share_link - share_compute  # the first of equal shares, as argmax
        if share_compute > most:
            bound, most = 1, share_compute
        if share_link > most:
            bound = 2
        return PassFigures(time, flops_, bytes_, comm * total_w, bound)

    def _work(self, t: float, tc_mm: float, tw: float, b: float) -> float:
        """Busy time of a decode pass of b sequences at context t (before links and fixed costs)."""
        return max(tc_mm, tw) + b * max(self.attn_decode(t) / self.attn_rate, self.seq_kv(t) / self.kv_bw)

    def _segments(self, g: _Grid, p: float):
        """(i, j, a0, a1, k0, k1): samples i … j−1 on which attention FLOPs per sequence are a0 + a1·u
        and KV bytes k0 + k1·u (u = t − p, p the prompt): one segment, or two split at a sliding window."""
        n = len(g.u)
        if self.linear:
            return [(0, n, self.attn_decode(0.0), 0.0, self.seq_kv(0.0), 0.0)]
        pk, kvt, layers = self.afk_decode, self.kv_per_token, self.layers
        lg, ls = self.lg, self.ls
        if not ls:
            return [(0, n, pk * lg * (p + 1), pk * lg, kvt * (lg * p) / layers + kvt, kvt * lg / layers)]
        w = self.window
        edge = bisect_left(g.u, w - p)  # samples with t ≤ W − 1: neither attention nor cache clipped yet
        ga = lg + ls
        return [(0, edge, pk * ga * (p + 1), pk * ga, kvt * (ga * p) / layers + kvt, kvt * ga / layers),
                (edge, n, pk * (lg * (p + 1) + ls * w), pk * lg, kvt * (lg * p + ls * w) / layers + kvt,
                 kvt * lg / layers)]


class _Grid:
    """The sample grid of passes.mean_decode for generating ``generate`` tokens, as plain lists:
    offsets u = t − prompt and prefix sums s0[i] = Σ_{<i} w, s1[i] = Σ_{<i} w·u. Neither depends on
    the prompt (the grid's contexts are the prompt plus whole numbers, exact in floats)."""

    def __init__(self, generate: int):
        if generate <= MEAN_SAMPLES:  # every step, each weighing 1/generate (passes.generation_grid, exact)
            self.u = _STEPS
            w = [1.0 / generate] * generate + [0.0] * (MEAN_SAMPLES - generate)
            self.s0 = [0.0, *accumulate(w)]
        else:  # evenly spaced steps k·(generate − 1)/(n − 1), rounded half to even as np.round; a trapezoid
            self.u = np.rint(_SPACING * float(generate - 1)).tolist()
            w = _TRAPEZOID
            self.s0 = _TRAPEZOID_S0
        self.s1 = [0.0, *accumulate(map(mul, w, self.u))]


_STEPS = [float(k) for k in range(MEAN_SAMPLES)]
_SPACING = np.linspace(0.0, 1.0, MEAN_SAMPLES)  # as passes.generation_grid spaces its samples
_TRAPEZOID = [0.5 / (MEAN_SAMPLES - 1)] + [1.0 / (MEAN_SAMPLES - 1)] * (MEAN_SAMPLES - 2) + [0.5 / (MEAN_SAMPLES - 1)]
_TRAPEZOID_S0 = [0.0, *accumulate(_TRAPEZOID)]


@lru_cache(maxsize=256)
def _prefix(generate: int) -> _Grid:
    return _Grid(generate)


def _positive_part(g: _Grid, i: int, j: int, c0: float, c1: float, weight_only: bool = False) -> float:
    """Σ over samples i … j−1 where c0 + c1·u > 0 of w·(c0 + c1·u) (or of w alone)."""
    if c1 == 0.0:
        lo, hi = (i, j) if c0 > 0.0 else (i, i)
    else:
        root = -c0 / c1
        if c1 > 0.0:  # positive above the root
            lo, hi = max(i, min(j, bisect_right(g.u, root))), j
        else:  # positive below it
            lo, hi = i, max(i, min(j, bisect_left(g.u, root)))
    if hi <= lo:
        return 0.0
    w0 = g.s0[hi] - g.s0[lo]
    if weight_only:
        return w0
    return c0 * w0 + c1 * (g.s1[hi] - g.s1[lo])
