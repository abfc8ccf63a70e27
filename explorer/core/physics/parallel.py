"""Splitting one model over several devices, and what the links cost.

tensor   — every layer's matrices split N ways (Megatron-LM, Shoeybi et al. 2019): weights, KV
           cache and FLOPs per device ÷ N; two all-reduces of the activations per layer
           (after attention and after the MLP).
pipeline — layers split into N stages: memory per device ÷ N, but a token still passes
           through every stage in turn, so one sequence's latency is not divided; each stage
           boundary sends the activations once.

An all-reduce of M bytes over N devices costs a latency plus its bytes over the fabric's
achievable bandwidth B = nominal per-direction link rate × the bus-bandwidth share large
messages reach (nccl-tests' "busbw", doc/PERFORMANCE.md). Which latency and how many bytes
depends on the algorithm, and a runtime takes the fastest it has for the message size:

  ring (NCCL)      2(N−1)·α  + 2(N−1)/N · M / B   (Patarasuk & Yuan 2009: 2(N−1) steps, each one
                                                  hop of the fabric's latency α)
  one-shot         α₁        + (N−1) · M / B      (vLLM / TensorRT-LLM custom all-reduce: every
                                                  device reads all peers' buffers, one barrier)
  two-shot         2·α₁      + 2(N−1)/N · M / B   (reduce-scatter then all-gather, two barriers)

The custom kernels need every device to load from every peer over NVLink/NVSwitch (vLLM turns
them off on more than two PCIe-only GPUs): α₁ = 0 in the hardware data means the fabric has none
(or no sourced figure, as for the MI300X's xGMI mesh) and NCCL's ring is used. Decode's
messages (batch × hidden × 2 bytes, kilobytes) are latency-bound — 2 all-reduces per layer
cost 2 × layers × the latency; prefill's (megabytes) are bandwidth-bound.

Pipeline decode splits the batch into m = min(N, B) micro-batches so every stage stays busy:
one pass carries B/m sequences through all stages; each sequence waits one pass per token.

When a model has fewer KV heads than tensor-parallel devices, KV heads are replicated: the
cache (and its traffic) splits only kv_heads ways (vLLM, TensorRT-LLM).
"""

from __future__ import annotations

import numpy as np


def ring_steps(devices: int) -> int:
    """Latency-bound steps of a ring all-reduce: 2(N−1) (reduce-scatter, then all-gather)."""
    return 2 * (devices - 1) if devices > 1 else 0


Figure = np.ndarray | float  # one device's figure, or a column per device (a stacked resolution)


def allreduce_time(message_bytes: np.ndarray | float, devices: int, link_bw: Figure, hop_latency: Figure,
                   oneshot_latency: Figure = 0.0) -> np.ndarray:
    """One all-reduce of ``message_bytes`` per device: the fastest of NCCL's ring and, where the
    fabric has them (``oneshot_latency`` > 0), the custom one-shot and two-shot kernels (module
    docstring). ``link_bw`` is the achievable bus bandwidth (nominal × bus efficiency)."""
    m = np.asarray(message_bytes, dtype=np.float64)
    if devices <= 1:
        return np.zeros_like(m)
    n = devices
    spread = 2 * (n - 1) / n * m / link_bw
    ring = spread + ring_steps(n) * hop_latency
    a1 = np.asarray(oneshot_latency, dtype=np.float64)
    if not np.any(a1 > 0):
        return np.asarray(ring, dtype=np.float64)
    custom = np.minimum(a1 + (n - 1) * m / link_bw, 2 * a1 + spread)
    return np.where(a1 > 0, np.minimum(ring, custom), ring)


def comm_time(mode: str, layers: int, d_model: int, tokens: np.ndarray | float, devices: int,
              act_bytes: float, link_bw: Figure, hop_latency: Figure, oneshot_latency: Figure = 0.0) -> np.ndarray:
    """Interconnect time of one forward pass over ``tokens`` tokens (all sequences)."""
    msg = np.asarray(tokens, dtype=np.float64) * d_model * act_bytes
    if devices <= 1:
        return np.zeros_like(msg)
    if mode == "tensor":
        return 2 * layers * allreduce_time(msg, devices, link_bw, hop_latency, oneshot_latency)
    # pipeline: N−1 stage boundaries, each a point-to-point send of the activations
    return (devices - 1) * (msg / link_bw + hop_latency)


def alltoall_time(message_bytes: np.ndarray | float, devices: int, link_bw: np.ndarray | float,
                  hop_latency: np.ndarray | float) -> np.ndarray:
    """One all-to-all of ``message_bytes`` per device (DeepEP / NCCL all-to-all): each device sends
    (N−1)/N of its message to its peers at once, over its own link, in one step of the fabric's
    latency — at decode sizes that latency is the whole cost."""
    m = np.asarray(message_bytes, dtype=np.float64)
    if devices <= 1:
        return np.zeros_like(m)
    return (devices - 1) / devices * m / link_bw + hop_latency


def moe_alltoall_extra(moe_layers: int, d_model: int, top_k: int, tokens: np.ndarray | float, devices: int,
                       act_bytes: float, link_bw: Figure, hop_latency: Figure,
                       oneshot_latency: Figure = 0.0) -> np.ndarray:
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
    reduce = allreduce_time(t * d_model * act_bytes, devices, link_bw, hop_latency, oneshot_latency)
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
