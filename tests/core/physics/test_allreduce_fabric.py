"""All-reduce as latency + size ÷ bandwidth per fabric: NVLink/NVSwitch vs PCIe, NCCL's ring vs the
runtimes' custom one-shot kernel, in both regimes (decode's kilobytes: latency-bound; prefill's
megabytes: bandwidth-bound). Every expectation is derived by hand here."""

from dataclasses import replace

import pytest

from explorer.core.engine.passes import decode_step_parts
from explorer.core.engine.point import estimate_point
from explorer.core.engine.resolved import resolve
from explorer.core.physics import parallel
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

DECODE_MSG = 8192 * 2  # one token of a 70B model's hidden state in BF16: 16 KiB
PREFILL_MSG = 2048 * 8192 * 2  # a 2,048-token prompt: 32 MiB

# An NVSwitch fabric: 450 GB/s per direction, 0.8 of it reached, 1.6 µs a hop, a 6 µs one-shot kernel.
NV_BW, NV_HOP, NV_ONESHOT = 450e9 * 0.8, 1.6e-6, 6e-6
# A PCIe fabric: 32 GB/s per direction, 0.55 of it reached, 3 µs a hop, no one-shot kernel.
PCIE_BW, PCIE_HOP = 32e9 * 0.55, 3e-6


def test_nvlink_decode_message_is_latency_bound_and_takes_the_one_shot_kernel():
    # 8 GPUs, 16 KiB: one-shot = 6 µs + 7 × 16,384 B / 360 GB/s = 6.3186 µs;
    # NCCL ring = 14 × 1.6 µs + 1.75 × 16,384 / 360e9 = 22.48 µs; two-shot = 12 µs + 0.08 µs.
    got = float(parallel.allreduce_time(DECODE_MSG, 8, NV_BW, NV_HOP, NV_ONESHOT))
    assert got == pytest.approx(6e-6 + 7 * 16384 / 360e9, rel=1e-12)
    assert got == pytest.approx(6.3186e-6, rel=1e-4)
    assert NV_ONESHOT / got > 0.94  # latency-bound: the bytes are 5 % of it
    # Without the custom kernel (NCCL only): the ring's 14 hops.
    ring = float(parallel.allreduce_time(DECODE_MSG, 8, NV_BW, NV_HOP))
    assert ring == pytest.approx(14 * 1.6e-6 + 1.75 * 16384 / 360e9, rel=1e-12)
    assert ring == pytest.approx(22.48e-6, rel=1e-3)


def test_nvlink_prefill_message_is_bandwidth_bound_on_the_ring():
    # 32 MiB: ring = 22.4 µs + 1.75 × 33,554,432 / 360e9 = 22.4 + 163.11 = 185.5 µs; two-shot
    # = 12 µs + 163.11 µs = 175.1 µs (the faster); one-shot = 6 µs + 7 × 93.2 µs = 658 µs.
    got = float(parallel.allreduce_time(PREFILL_MSG, 8, NV_BW, NV_HOP, NV_ONESHOT))
    assert got == pytest.approx(12e-6 + 1.75 * PREFILL_MSG / 360e9, rel=1e-12)
    assert got == pytest.approx(175.1e-6, rel=1e-3)
    assert (1.75 * PREFILL_MSG / 360e9) / got > 0.9  # bandwidth-bound
    assert float(parallel.allreduce_time(PREFILL_MSG, 8, NV_BW, NV_HOP)) == pytest.approx(185.5e-6, rel=1e-3)


def test_pcie_small_and_large_messages_on_nccl_ring():
    # 4 GPUs over PCIe, no one-shot kernel: 6 hops of 3 µs = 18 µs, and 1.5 × M ÷ 17.6 GB/s.
    small = float(parallel.allreduce_time(DECODE_MSG, 4, PCIE_BW, PCIE_HOP))
    assert small == pytest.approx(18e-6 + 1.5 * 16384 / 17.6e9, rel=1e-12)  # 19.40 µs
    assert 18e-6 / small > 0.9  # latency-bound
    large = float(parallel.allreduce_time(PREFILL_MSG, 4, PCIE_BW, PCIE_HOP))
    assert large == pytest.approx(18e-6 + 1.5 * PREFILL_MSG / 17.6e9, rel=1e-12)  # 18 µs + 2.8598 ms
    assert large == pytest.approx(2.878e-3, rel=1e-3)
    assert 18e-6 / large < 0.01  # bandwidth-bound
    # The same 16 KiB costs 3× more on PCIe's ring than NVLink's one-shot kernel.
    assert small / float(parallel.allreduce_time(DECODE_MSG, 4, NV_BW, NV_HOP, NV_ONESHOT)) > 3


def scen(hw: str, runtime: str, devices: int = 8) -> Scenario:
    return Scenario(model=presets.model("llama-2-70b"), hardware=presets.device(hw), devices=devices,
                    parallel="tensor", weights="fp16", kv="fp16", prompt=128, generate=256, runtime=runtime)


def test_the_fabric_figures_reach_the_resolution():
    h = presets.device("h100-sxm")
    r = resolve(scen("h100-sxm", "vllm"))
    assert r.link_bandwidth == pytest.approx(450e9 * h.allreduce_bus_efficiency)
    assert r.link_latency == pytest.approx(h.interconnect_latency_us * 1e-6)
    assert r.oneshot_latency == pytest.approx(h.oneshot_allreduce_us * 1e-6) and r.oneshot_latency > 0
    # PCIe has no one-shot kernel (vLLM disables it beyond two PCIe-only GPUs); llama.cpp has none at all.
    assert resolve(scen("l40s", "vllm", 4)).oneshot_latency == 0.0
    assert resolve(scen("h100-sxm", "llama-cpp-cuda")).oneshot_latency == 0.0


@pytest.mark.parametrize("custom", [True, False])
def test_a_tp8_decode_step_carries_two_all_reduces_per_layer(custom):
    # Llama-2-70B, 80 layers, batch 1 on 8 H100s: 2 × 80 all-reduces of 16 KiB each.
    base = resolve(scen("h100-sxm", "vllm"))
    r = base if custom else replace(base, runtime=replace(base.runtime, custom_allreduce=False),
                                    oneshot_latency=0.0)
    h = presets.device("h100-sxm")
    bw, hop, a1 = 450e9 * h.allreduce_bus_efficiency, h.interconnect_latency_us * 1e-6, h.oneshot_allreduce_us * 1e-6
    one = (a1 + 7 * DECODE_MSG / bw) if custom else (14 * hop + 1.75 * DECODE_MSG / bw)
    got = float(decode_step_parts(r, 500, 1)["comm_time"])
    assert got == pytest.approx(2 * 80 * one, rel=1e-9)
    latency = a1 if custom else 14 * hop
    assert 2 * 80 * latency / got > 0.85  # the step's link time is mostly its latencies
    # The scalar fast path adds the same link time to the step.
    s = scen("h100-sxm", "vllm").with_(batch=1)
    point = estimate_point(s, resolve(s)).interconnect_s_per_step
    assert point == pytest.approx(float(decode_step_parts(base, 128, 1)["comm_time"]), rel=1e-9)
