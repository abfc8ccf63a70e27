"""The roofline: time is set by whichever of compute or memory traffic takes longer.

time = max(FLOPs / (peak · η_compute), bytes / (bandwidth · η_memory))   (Williams et al. 2009)
"""

from __future__ import annotations

import numpy as np

BOUNDS = ("memory", "compute", "interconnect")


def attainable_flops(intensity: np.ndarray | float, peak: float, bandwidth: float) -> np.ndarray:
    """Roofline ceiling: min(peak, bandwidth · intensity) in FLOP/s."""
    return np.minimum(peak, bandwidth * np.asarray(intensity, dtype=np.float64))


def ridge_point(peak: float, bandwidth: float) -> float:
    """Arithmetic intensity (FLOP/byte) where the two roofs meet."""
    return peak / bandwidth


def step_time(flops: np.ndarray, compute_rate: np.ndarray | float, memory_time: np.ndarray,
              comm_time: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Time of one step and its bound code (0 memory, 1 compute, 2 interconnect).

    ``compute_rate`` is the effective FLOP/s; ``memory_time`` already divides each byte class
    by its effective bandwidth. Communication is assumed not to overlap (it sits on the
    critical path of every decode step in tensor parallelism).
    """
    tc = np.asarray(flops, dtype=np.float64) / compute_rate
    tm = np.asarray(memory_time, dtype=np.float64)
    comm = np.asarray(comm_time, dtype=np.float64)
    work = np.maximum(tc, tm)
    bound = np.where(tc > tm, 1, 0)
    bound = np.where(comm > work, 2, bound)
    return work + comm, bound
