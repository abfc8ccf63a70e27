"""Splitting one model over several devices, and what the links cost.

tensor   — every layer's matrices split N ways (Megatron-LM, Shoeybi et al. 2019): weights, KV
           cache and FLOPs per device ÷ N; two all-reduces of the activations per layer
           (after attention and after the MLP).
pipeline — layers split into N stages: memory per device ÷ N, but a token still passes
           through every stage in turn, so one sequence's latency is not divided; each stage
           boundary sends the activations once.

A ring all-reduce of M bytes over N devices moves 2(N−1)/N · M bytes per device (Patarasuk &
Yuan 2009). Decode-sized messages are latency-bound; runtimes use tree / one-shot algorithms
for them (NCCL LL/tree, vLLM's custom all-reduce), modelled as ⌈log₂N⌉ steps of the link's
latency α: 3 steps on 8 GPUs (≈ 6 µs at α = 2 µs on NVLink, inside NCCL's measured 5–15 µs).

Pipeline decode splits the batch into m = min(N, B) micro-batches so every stage stays busy:
one pass carries B/m sequences through all stages; each sequence waits one pass per token.

When a model has fewer KV heads than tensor-parallel devices, KV heads are replicated: the
cache (and its traffic) splits only kv_heads ways (vLLM, TensorRT-LLM).
"""

from __future__ import annotations

import numpy as np


def allreduce_steps(devices: int) -> int:
    """Latency-bound steps of a small-message all-reduce: ⌈log₂N⌉ (tree / one-shot)."""
    return int(np.ceil(np.log2(devices))) if devices > 1 else 0


Figure = np.ndarray | float  # one device's figure, or a column per device (a stacked resolution)


def allreduce_time(message_bytes: np.ndarray | float, devices: int, link_bw: Figure, hop_latency: Figure) -> np.ndarray:
    m = np.asarray(message_bytes, dtype=np.float64)
    if devices <= 1:
        return np.zeros_like(m)
    n = devices
    return 2 * (n - 1) / n * m / link_bw + allreduce_steps(n) * hop_latency


def comm_time(mode: str, layers: int, d_model: int, tokens: np.ndarray | float, devices: int,
              act_bytes: float, link_bw: Figure, hop_latency: Figure) -> np.ndarray:
    """Interconnect time of one forward pass over ``tokens`` tokens (all sequences)."""
    msg = np.asarray(tokens, dtype=np.float64) * d_model * act_bytes
    if devices <= 1:
        return np.zeros_like(msg)
    if mode == "tensor":
        return 2 * layers * allreduce_time(msg, devices, link_bw, hop_latency)
    # pipeline: N−1 stage boundaries, each a point-to-point send of the activations
    return (devices - 1) * (msg / link_bw + hop_latency)


def alltoall_time(message_bytes: np.ndarray | float, devices: int, link_bw: float, hop_latency: float) -> np.ndarray:
    """One all-to-all of ``message_bytes`` per device (DeepEP / NCCL all-to-all): each device sends
    (N−1)/N of its message to its peers at once, over its own link, in one step of the fabric's
    latency — at decode sizes that latency is the whole cost."""
    m = np.asarray(message_bytes, dtype=np.float64)
    if devices <= 1:
        return np.zeros_like(m)
    return (devices - 1) / devices * m / link_bw + hop_latency


def moe_alltoall_extra(moe_layers: int, d_model: int, top_k: int, tokens: np.ndarray | float, devices: int,
                       act_bytes: float, link_bw: float, hop_latency: float) -> np.ndarray:
    """What expert parallelism behind data-parallel attention adds to a pass's link time: every MoE
    layer dispatches its tokens' hidden states to the devices holding their k experts and combines
    the results back (two all-to-alls of tokens·k·d_model values, DeepSeek-V3 report §3.4; vLLM
    --enable-expert-parallel with data parallel attention, SGLang --enable-dp-attention), in place of
    the MLP's all-reduce of tokens·d_model values. At batch 1 both are latency-bound: about one
    all-to-all's latency more per MoE layer."""
    t = np.asarray(tokens, dtype=np.float64)
    if devices <= 1 or moe_layers <= 0:
        return np.zeros_like(t)
    dispatch = alltoall_time(t * top_k * d_model * act_bytes, devices, link_bw, hop_latency)
    reduce = allreduce_time(t * d_model * act_bytes, devices, link_bw, hop_latency)
    return moe_layers * (2 * dispatch - reduce)


def work_divisor(mode: str, devices: int) -> int:
    """How many ways one pass's FLOPs and weight bytes are split on the critical path."""
    return devices if mode == "tensor" else 1


def kv_ways(mode: str, devices: int, kv_heads: int) -> int:
    """How many ways the KV cache is divided among devices (its memory per device is the
    total ÷ this): pipeline splits layers N ways; tensor splits KV heads, replicating them
    when there are fewer KV heads than devices. ``kv_heads`` is the model's ``kv_shards``
    (1 for latent attention: every rank keeps the whole latent cache)."""
    return devices if mode == "pipeline" else min(devices, kv_heads)


def kv_time_divisor(mode: str, devices: int, kv_heads: int) -> int:
    """How many devices read the KV cache in parallel during one pass."""
    return min(devices, kv_heads) if mode == "tensor" else 1


def pass_batch(mode: str, devices: int, batch):
    """Sequences in one forward pass: pipeline splits the batch into min(N, B) micro-batches."""
    b = np.asarray(batch, dtype=np.float64)
    if mode != "pipeline" or devices <= 1:
        return b
    return b / np.minimum(devices, b)


def pipeline_fill(mode: str, devices: int, batch: float) -> float:
    """Pass times until all B sequences are through a pipeline of N stages carrying
    m = min(N, B) micro-batches: (m + N − 1) / N (the classic fill-and-drain count). 1 otherwise."""
    if mode != "pipeline" or devices <= 1:
        return 1.0
    m = min(devices, batch)
    return (m + devices - 1) / devices


def layout_problems(mode: str, devices: int, heads: int, kv_heads: int, layers: int) -> list[str]:
    """Why a model cannot be split this way (empty when it can)."""
    if devices <= 1:
        return []
    if mode == "tensor":
        out = []
        if heads % devices:
            out.append(f"tensor parallel over {devices} devices needs the {heads} query heads to divide evenly")
        if kv_heads % devices and devices % kv_heads:
            out.append(f"tensor parallel over {devices} devices needs {kv_heads} KV heads to divide "
                       "(or be a divisor of) the device count")
        return out
    if layers < devices:
        return [f"pipeline parallel over {devices} devices needs at least {devices} layers (model has {layers})"]
    return []
