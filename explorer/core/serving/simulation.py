"""The discrete-event simulation: every request through admission, chunked prefill and decode,
step by step, with the same step function and scheduler as the mean-field model.

Runs fast because it jumps: while the batch is unchanged (decode only, no arrival that could be
admitted, no completion, KV not exhausted) the next k steps cost Σ (A + B·j) = k·A + B·k(k − 1)/2
(the step is linear in the mean context, which grows by one token per step), so they are taken at
once. Steps with a prompt chunk are taken one at a time.

Policy (vLLM v1 defaults, see runtimes.toml): FCFS; a waiting request is admitted when a running slot
is free and its prompt's KV blocks fit; each step carries every decoding sequence and fills the rest
of the token budget with prompt chunks (FCFS), or runs prompt chunks alone first ("separate" prefill
mode, SGLang); when the KV blocks run out the newest running request is preempted and recomputed
(its generated tokens join its prompt) from the front of the queue.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import replace

import numpy as np

from explorer.core.engine.step import StepTable, mixed_step_time
from explorer.core.serving.results import BINDING_LIMITS, ServingPoint, SimResult
from explorer.core.serving.scheduler import Scheduler, scheduler
from explorer.core.serving.workload import SLO, Trace, Workload, from_scenario
from explorer.core.state.scenario import Scenario

WARMUP = 0.1  # share of requests (first and last) left out of the summary: the start-up and drain transients


def run(s: Scenario, requests: int = 2000, seed: int = 0, progress=None, cancelled=None, trace: Trace | None = None,
        sch: Scheduler | None = None, workload: Workload | None = None) -> SimResult:
    wl, ld, slo = from_scenario(s)
    wl = workload or wl
    sch = sch or scheduler(s)
    rng = np.random.default_rng(seed)
    kind = "trace" if trace is not None else s.load_kind
    if trace is not None:
        arr = np.asarray(trace.arrival_s, dtype=np.float64)
        order = np.argsort(arr, kind="stable")
        arrivals = arr[order].tolist()
        inp = np.asarray(trace.input_tokens, dtype=np.int64)[order]
        out = np.maximum(np.asarray(trace.output_tokens, dtype=np.int64)[order], 1)
        total = len(arrivals)
    else:
        total = int(requests)
        inp, out = wl.sample(total, rng)
        if kind == "rate":
            arrivals = np.cumsum(ld.gaps(total, rng)).tolist()
        else:
            clients = min(int(ld.value), total)
            # Clients start staggered over one request's time with every client decoding (a benchmark's
            # ramp-up and the jitter of real clients), so the run starts near its steady state. Started at
            # one instant, or over one request's time alone (3× shorter at 64 clients), identical requests
            # move in dense cohorts whose prompts queue behind each other's prefill for the whole run,
            # which measured servers at fixed concurrency do not show.
            r1 = _service_estimate(sch, float(np.mean(inp)), float(np.mean(out)), min(clients, sch.max_running))
            arrivals = sorted((rng.uniform(0.0, r1, clients) if clients > 1 else np.zeros(clients)).tolist())
    sim = _Sim(s, sch, inp.tolist(), out.tolist())
    return sim.go(kind, arrivals, total, ld.think_s, slo, progress, cancelled, float(ld.value))


class _Sim:
    def __init__(self, s: Scenario, sch: Scheduler, inp: list, out: list):
        self.s, self.sch, self.inp, self.out = s, sch, inp, out
        max_ctx = max((a + b for a, b in zip(inp, out)), default=1)
        self.table = StepTable(sch.resolved, sch.max_running if sch.max_running < 100_000 else 4096, max_ctx)
        self.kv_tokens = sch.kv_blocks * sch.block_size

    def go(self, kind, arrivals, total, think, slo: SLO, progress, cancelled, load) -> SimResult:
        sch, tab, inp, out = self.sch, self.table, self.inp, self.out
        n_req = total
        arrive = [math.inf] * n_req
        first = [math.nan] * n_req
        finish = [math.nan] * n_req
        prompt_now = list(inp)  # grows when a preempted request's tokens are recomputed
        done_before = [0] * n_req  # tokens generated before the last preemption
        issued = 0
        pending: deque[tuple[float, int]] = deque()  # (time, id) arrivals not yet in the queue, time-ordered
        delay = sch.request_s  # the runtime's per-request cost before the request reaches the scheduler
        if kind == "concurrency":
            for t0 in arrivals:
                arrive[issued] = t0
                pending.append((t0 + delay, issued))
                issued += 1
        else:
            for i, t0 in enumerate(arrivals):
                arrive[i] = t0
                pending.append((t0 + delay, i))
            issued = n_req
        waiting: deque = deque()
        prefilling: list = []  # [id, tokens left] in admission order
        decoding: dict = {}  # id -> (start step, version)
        heap: list = []  # (finish step, id, version)
        version = [0] * n_req
        order: list[int] = []  # running ids in admission order (for preemption: newest first)
        dec_ctx = 0.0  # Σ context of decoding sequences
        used = 0.0  # KV tokens held
        t, g = 0.0, 0
        completed, steps, preemptions = 0, 0, 0
        stall = 0.0  # separate prefill: time the decoders waited since their last token
        itl_t: list = []
        itl_w: list = []
        ts_t, ts_run, ts_kv, ts_q = [], [], [], []
        kv_cap = max(self.kv_tokens, 1)
        next_report = 250
        cancelled_flag = False
        max_run = sch.max_running
        budget = sch.budget

        def record():
            ts_t.append(t)
            ts_run.append(len(prefilling) + len(decoding))
            ts_kv.append(used / kv_cap)
            ts_q.append(len(waiting))

        def complete(i):
            nonlocal completed, issued, used, dec_ctx
            finish[i] = t
            completed += 1
            ctx = prompt_now[i] + (out[i] - done_before[i])
            used -= ctx
            dec_ctx -= ctx
            del decoding[i]
            order.remove(i)
            if kind == "concurrency" and issued < n_req:
                arrive[issued] = t + think
                pending.append((t + think + sch.request_s, issued))
                issued += 1

        while completed < n_req:
            if cancelled is not None and cancelled():
                cancelled_flag = True
                break
            while pending and pending[0][0] <= t:
                waiting.append(pending.popleft()[1])
            # admission: FCFS, a free slot and the prompt's KV blocks
            while waiting and len(order) < max_run:
                i = waiting[0]
                need = prompt_now[i] + sch.block_size
                reserved = sum(item[1] for item in prefilling)
                if used + reserved + need + len(decoding) > self.kv_tokens and order:
                    break
                if need > self.kv_tokens:  # can never fit: drop it as served-never (counts as a miss)
                    waiting.popleft()
                    first[i] = finish[i] = math.inf
                    completed += 1
                    continue
                waiting.popleft()
                order.append(i)
                if prompt_now[i] > 0:
                    prefilling.append([i, prompt_now[i]])
                else:
                    self._start_decode(i, g, decoding, heap, version)
                    dec_ctx += 1.0
            if not order:
                if not pending:
                    break
                t = max(t, pending[0][0])
                record()
                continue
            n = len(decoding)
            # KV for this step (the prompts admitted, one token per decode): preempt the newest if short
            if used + sum(item[1] for item in prefilling) + n > self.kv_tokens and len(order) > 1:
                preemptions += 1
                i = order[-1]
                if i in decoding:
                    st, _v = decoding.pop(i)
                    made = g - st
                    ctx = prompt_now[i] + made
                    dec_ctx -= ctx
                    done_before[i] += made
                else:
                    item = next(it for it in prefilling if it[0] == i)
                    prefilling.remove(item)
                    ctx = prompt_now[i] - item[1]
                used -= ctx
                version[i] += 1
                order.pop()
                prompt_now[i] = max(prompt_now[i], ctx)  # recompute: generated tokens join the prompt
                waiting.appendleft(i)
                record()
                continue
            if prefilling:
                room = max(budget - n, 1) if sch.mixed else budget
                if not sch.chunked:
                    room = max(room, prefilling[0][1])
                chunk, offset = 0, 0
                finished_pre = []
                for item in prefilling:
                    take = min(item[1], room - chunk)
                    if take <= 0:
                        break
                    if chunk == 0:
                        offset = prompt_now[item[0]] - item[1]
                    chunk += take
                    item[1] -= take
                    if item[1] == 0:
                        finished_pre.append(item[0])
                n_in = n if sch.mixed else 0
                dt = tab.mixed(chunk, n_in, dec_ctx / n if n else 0.0, offset)
                t += dt
                steps += 1
                used += chunk
                if n_in:
                    g += 1
                    dec_ctx += n
                    used += n
                    itl_t.append(dt + stall)
                    itl_w.append(n)
                    stall = 0.0
                elif n:
                    stall += dt
                prefilling = [p for p in prefilling if p[1] > 0]
                for i in finished_pre:
                    if math.isnan(first[i]):
                        first[i] = t
                    dec_ctx += prompt_now[i]
                    left = out[i] - done_before[i] - 1
                    if left <= 0:
                        decoding[i] = (g, version[i])
                        complete(i)
                    else:
                        decoding[i] = (g, version[i])
                        heapq.heappush(heap, (g + left, i, version[i]))
                        done_before[i] += 1
                        prompt_now[i] += 0
                self._finish(heap, decoding, version, g, complete)
                record()
            else:
                # decode only: jump to the next event
                a = tab.decode(n, dec_ctx / n)
                b = tab.dec_slope[min(n, tab.max_seqs)]
                k = self._next_finish(heap, decoding, version) - g
                room_tokens = self.kv_tokens - used
                k_kv = int(room_tokens // n)
                k = max(1, min(k, k_kv))
                if pending and waiting == deque() and len(order) < max_run:
                    gap = pending[0][0] - t
                    k = max(1, min(k, _steps_until(a, b, gap)))
                elif pending and len(order) < max_run and not waiting:
                    pass
                dt = k * a + b * k * (k - 1) / 2.0
                t += dt
                steps += k
                g += k
                dec_ctx += n * k
                used += n * k
                itl_t.append(dt / k + stall)
                itl_w.append(n * k)
                stall = 0.0
                self._finish(heap, decoding, version, g, complete)
                record()
            if progress is not None and completed >= next_report:
                next_report += 250
                progress(completed / n_req, self._result(kind, load, arrive, first, finish, out, slo, itl_t, itl_w,
                                                         ts_t, ts_run, ts_kv, ts_q, preemptions, completed, steps,
                                                         False))
        return self._result(kind, load, arrive, first, finish, out, slo, itl_t, itl_w, ts_t, ts_run, ts_kv, ts_q,
                            preemptions, completed, steps, cancelled_flag)

    @staticmethod
    def _start_decode(i, g, decoding, heap, version):
        decoding[i] = (g, version[i])

    @staticmethod
    def _next_finish(heap, decoding, version) -> int:
        while heap and (heap[0][1] not in decoding or heap[0][2] != version[heap[0][1]]):
            heapq.heappop(heap)
        return heap[0][0] if heap else 10**12

    def _finish(self, heap, decoding, version, g, complete):
        while heap and heap[0][0] <= g:
            _, i, v = heapq.heappop(heap)
            if i in decoding and v == version[i]:
                complete(i)

    def _result(self, kind, load, arrive, first, finish, out, slo, itl_t, itl_w, ts_t, ts_run, ts_kv, ts_q,
                preemptions, completed, steps, cancelled_flag) -> SimResult:
        arr, fst, fin = np.array(arrive), np.array(first), np.array(finish)
        o = np.array(out, dtype=np.float64)
        done = np.isfinite(fin) & np.isfinite(arr)
        n = len(arr)
        lo, hi = (int(n * WARMUP), int(n * (1 - WARMUP))) if n >= 50 else (0, n)
        window = np.zeros(n, bool)
        window[lo:hi] = True
        sel = done & window
        if not sel.any():
            sel = done
        ttft = fst[sel] - arr[sel]
        e2e = fin[sel] - arr[sel]
        tpot = np.where(o[sel] > 1, (fin[sel] - fst[sel]) / np.maximum(o[sel] - 1, 1), np.nan)
        tpot = tpot[np.isfinite(tpot)]
        t_arr = np.array(ts_t)
        span = (np.nanmax(fin[sel]) - np.nanmin(fin[sel])) if sel.sum() > 1 else 0.0
        rps = (sel.sum() - 1) / span if span > 0 else (sel.sum() / max(t_arr[-1], 1e-12) if len(t_arr) else 0.0)
        tok = rps * (o[sel].mean() if sel.any() else 0.0)
        iw, it = np.array(itl_w, dtype=np.float64), np.array(itl_t)
        p = slo.percentile
        tp_all = np.where(o[sel] > 1, (fin[sel] - fst[sel]) / np.maximum(o[sel] - 1, 1), 0.0)
        meets = (ttft <= slo.ttft_s) & (tp_all <= slo.tpot_s)
        weights = np.diff(t_arr, append=t_arr[-1]) if len(t_arr) else np.zeros(0)
        tw = max(weights.sum(), 1e-300)
        run_avg = float((np.array(ts_run) * weights).sum() / tw) if len(t_arr) else 0.0
        kv_avg = float((np.array(ts_kv) * weights).sum() / tw) if len(t_arr) else 0.0
        q_avg = float((np.array(ts_q) * weights).sum() / tw) if len(t_arr) else 0.0
        stats = {}
        for name, v in (("ttft", ttft), ("tpot", tpot), ("e2e", e2e)):
            stats[f"{name}_s"] = float(v.mean()) if v.size else math.nan
            for q in (50, 90, 99):
                stats[f"{name}_p{q}"] = float(np.percentile(v, q)) if v.size else math.nan
        stats["itl_s"] = float((it * iw).sum() / iw.sum()) if iw.size else math.nan
        for q in (50, 90, 99):
            stats[f"itl_p{q}"] = _weighted_quantile(it, iw, q / 100)
        ok = (stats[f"ttft_p{p}"] <= slo.ttft_s) and (stats[f"tpot_p{p}"] <= slo.tpot_s if tpot.size else True)
        cap, limit = self.sch.capacity(float(np.mean(self.inp)) + float(np.mean(out)))
        admission = run_avg >= 0.95 * cap
        summary = ServingPoint(load_kind=kind, load=load, **stats, output_tokens_per_s=float(tok),
                               requests_per_s=float(rps), goodput_requests_per_s=float(rps * meets.mean()) if meets.size
                               else 0.0, mean_running=run_avg, kv_occupancy=kv_avg, queue_length=q_avg,
                               step_s=float(t_arr[-1] / max(steps, 1)) if len(t_arr) else 0.0, meets_slo=bool(ok),
                               binding_limit=limit if admission else BINDING_LIMITS[3], knee=math.nan)
        ds = max(1, len(t_arr) // 4000)
        return SimResult(summary=summary, ttft=ttft, tpot=tpot, e2e=e2e, t=t_arr[::ds],
                         running=np.array(ts_run, dtype=np.float64)[::ds], kv_occupancy=np.array(ts_kv)[::ds],
                         queue=np.array(ts_q, dtype=np.float64)[::ds], preemptions=preemptions, completed=completed,
                         steps=steps, cancelled=cancelled_flag)


def _service_estimate(sch: Scheduler, inp: float, out: float, running: int = 1) -> float:
    """One request's time from arrival to its last token while ``running`` sequences decode beside it."""
    r = sch.resolved
    return float(sch.request_s + mixed_step_time(r, max(inp, 1.0), 0.0, 0.0)
                 + (out - 1) * mixed_step_time(r, 0.0, float(max(running, 1)), inp + out / 2))


def _steps_until(a: float, b: float, gap: float) -> int:
    """Smallest k ≥ 1 with k·a + b·k(k − 1)/2 ≥ gap (steps of time a, a + b, a + 2b, …)."""
    if gap <= a:
        return 1
    if b <= 0:
        return int(math.ceil(gap / a))
    # b/2 k² + (a − b/2) k − gap = 0
    aa, bb = b / 2.0, a - b / 2.0
    k = (-bb + math.sqrt(bb * bb + 4 * aa * gap)) / (2 * aa)
    return max(1, int(math.ceil(k)))


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    if x.size == 0:
        return math.nan
    order = np.argsort(x)
    cw = np.cumsum(w[order])
    return float(x[order][min(np.searchsorted(cw, q * cw[-1]), len(x) - 1)])


def with_limit(sch: Scheduler, max_running: int) -> Scheduler:
    """The scheduler with another running-request limit (tests: a batch capped at 1 is a single server)."""
    return replace(sch, max_running=int(max_running))
