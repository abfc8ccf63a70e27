"""The runtime's scheduler, as numbers: how many requests run at once, how many tokens one step
takes, how a prompt is chunked, and how many KV blocks there are to admit requests into.

Admission is FCFS and gated twice: by the running-request limit (vLLM ``max_num_seqs``, SGLang
``max_running_requests``, TensorRT-LLM ``max_batch_size``, llama.cpp ``--parallel`` slots) and by free
KV blocks. The blocks are what the usable memory holds beside the weights and the activation reserve
— the same usable memory and reserve as the single-stream estimate's "fits · max batch" (resolve), or
the runtime's own pool where it sizes one (SGLang ``--mem-fraction-static``):

    blocks = ⌊(usable − reserve − weights ÷ devices) · kv_ways ÷ (block_size · KV bytes per token)⌋

and a request that runs to the end holds ⌈(input + output) ÷ block_size⌉ of them, so at most
⌊blocks ÷ that⌋ requests fit at once. When the blocks run out mid-generation, the newest running
request is preempted and recomputed later (vLLM's default, RECOMPUTE).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from explorer.core.engine.resolved import Resolved, resolve
from explorer.core.physics import memory
from explorer.core.state.scenario import Scenario


@dataclass(frozen=True)
class Scheduler:
    max_running: int  # running-request limit
    budget: int  # tokens per step (prompt chunk + one per decoding sequence)
    chunked: bool  # prompts split across steps (else one prompt is prefilled whole)
    mixed: bool  # prompt chunks share steps with decodes (else a prefill step runs alone)
    block_size: int  # tokens per KV block
    kv_blocks: int  # KV blocks in all (0: the weights leave no room)
    block_bytes: float  # bytes of one block, all devices together
    request_s: float  # per-request cost before its first step
    wave_share: float  # closed loop: share of requests whose prompt arrives with all the clients' (meanfield)
    resolved: Resolved

    def blocks_for(self, tokens: float) -> int:
        """Blocks a request with ``tokens`` tokens of context holds."""
        return int(math.ceil(max(tokens, 1.0) / self.block_size))

    def kv_slots(self, tokens_per_request: float) -> int:
        """Requests of ``tokens_per_request`` tokens (input + output) whose KV fits at once."""
        return self.kv_blocks // max(self.blocks_for(tokens_per_request), 1)

    def capacity(self, tokens_per_request: float) -> tuple[int, str]:
        """Requests admitted at once and which limit sets it ("kv_capacity" or "running_limit")."""
        kv = self.kv_slots(tokens_per_request)
        return (kv, "kv_capacity") if kv < self.max_running else (self.max_running, "running_limit")


def scheduler(s: Scenario, r: Resolved | None = None) -> Scheduler:
    r = r or resolve(s)
    rt = r.runtime
    m = s.model
    # The same memory the single-stream estimate's "fits · max batch" counts (resolve: the runtime's
    # usable share of addressable memory and its reserve), unless the runtime sizes its own pool
    # (SGLang --mem-fraction-static): one answer to "how many fit" on every view.
    usable = s.hardware.addressable_bytes * rt.memory_fraction if rt.memory_fraction else r.usable_bytes
    reserve = r.reserve_bytes
    room = memory.kv_room(usable, memory.weight_bytes(m, r.weights), reserve, s.devices, r.kv_ways)
    per_token = memory.kv_bytes_per_token(m, r.kv) if s.kv_cache else 0.0
    block_bytes = rt.block_size * per_token
    blocks = int(min(room // block_bytes, 10**9)) if block_bytes > 0 and room > 0 else (10**9 if room > 0 else 0)
    return Scheduler(max_running=int(rt.max_batch), budget=int(rt.max_batched_tokens), chunked=bool(rt.chunked_prefill),
                     mixed=rt.prefill_mode == "mixed", block_size=int(rt.block_size), kv_blocks=blocks,
                     block_bytes=float(block_bytes), request_s=0.0 if rt.ideal else rt.request_ms * 1e-3,
                     wave_share=0.0 if rt.ideal else rt.wave_share, resolved=r)
