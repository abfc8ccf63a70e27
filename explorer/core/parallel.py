"""Splitting one model over several devices, and what the links cost.

tensor   — every layer's matrices split N ways (Megatron-LM, Shoeybi et al. 2019): weights, KV
           cache and FLOPs per device ÷ N; two all-reduces of the activations per layer
           (after attention and after the MLP).
pipeline — layers split into N stages: memory per device ÷ N, but a token still passes
           through every stage in turn, so one sequence's latency is not divided; each stage
           boundary sends the activations once.

A ring all-reduce of M bytes over N devices moves 2(N−1)/N · M bytes per device and takes
2(N−1) latency-bound hops (Patarasuk & Yuan 2009; NCCL's ring algorithm).
"""

from __future__ import annotations

import numpy as np


def allreduce_time(message_bytes: np.ndarray | float, devices: int, link_bw: float, hop_latency: float) -> np.ndarray:
    m = np.asarray(message_bytes, dtype=np.float64)
    if devices <= 1:
        return np.zeros_like(m)
    n = devices
    return 2 * (n - 1) / n * m / link_bw + 2 * (n - 1) * hop_latency


def comm_time(mode: str, layers: int, d_model: int, tokens: np.ndarray | float, devices: int,
              act_bytes: float, link_bw: float, hop_latency: float) -> np.ndarray:
    """Interconnect time of one forward pass over ``tokens`` tokens (all sequences)."""
    msg = np.asarray(tokens, dtype=np.float64) * d_model * act_bytes
    if devices <= 1:
        return np.zeros_like(msg)
    if mode == "tensor":
        return 2 * layers * allreduce_time(msg, devices, link_bw, hop_latency)
    # pipeline: N−1 stage boundaries, each a point-to-point send of the activations
    return (devices - 1) * (msg / link_bw + hop_latency)


def work_divisor(mode: str, devices: int) -> int:
    """How many ways one step's FLOPs and bytes are split on the critical path."""
    return devices if mode == "tensor" else 1
