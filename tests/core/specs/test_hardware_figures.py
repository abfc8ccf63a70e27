"""Data-sheet figures an expert checks first, and what a split really gets from its links."""

import pytest

from explorer.core.engine.resolved import resolve
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario


def test_b200_figures():
    # NVIDIA DGX B200: 64 TB/s over 8 GPUs; Blackwell datasheet HGX B200 column: FP32 80 TFLOPS,
    # FP16/BF16 4.5 PF sparse = 2,250 dense; TF32 is half of dense FP16 on its tensor cores.
    b = presets.device("b200")
    assert b.bandwidth_gbs == 64_000 / 8
    assert b.tflops["fp32"] == 80 and b.tflops["fp16"] == 2250 and b.tflops["tf32"] == 2250 / 2


@pytest.mark.parametrize("devices, parallel, gbs", [
    (2, "tensor", 64),  # one GPU pair shares one 128 GB/s (bidirectional) Infinity Fabric link
    (4, "tensor", 3 * 64),  # an all-reduce over 4 uses 3 links at once
    (8, "tensor", 7 * 64),  # the 448 GB/s "aggregate" only with all 8 (7 links)
    (8, "pipeline", 64),  # a stage-to-stage hand-off uses one link
])
def test_mi300x_link_is_per_pair_not_the_aggregate(devices, parallel, gbs):
    s = default_scenario().with_(model=presets.model("llama-2-70b"), hardware=presets.device("mi300x"),
                                 devices=devices, parallel=parallel, runtime="ideal")
    assert resolve(s).link_bandwidth == pytest.approx(gbs * 1e9)


def test_switched_links_do_not_depend_on_the_device_count():
    h = presets.device("h100-sxm")  # NVSwitch: 450 GB/s per direction to any peer
    assert h.link_bytes_per_s_for(2) == h.link_bytes_per_s_for(8) == h.link_bytes_per_s


def test_the_essays_h100_figure_is_attributed_neutrally():
    note = presets.device("h100-pcie").sources["bandwidth_gbs"]
    assert "closest to" in note and "2,039" in note and "mis-quoted" not in note
