"""Plan a deployment, as a user sees it: the search runs off the GUI thread when the tab opens,
the headline names the cheapest setup meeting the target, the table lists every candidate in the
search's order, the map's cells and contour follow the target."""

import numpy as np
import pytest
from by_hand import two_sig

from explorer.core import serving
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

pytest.importorskip("explorer.core.serving.planner")  # the core's search (branch serving-core)


@pytest.fixture
def planner(make_window, qtbot):
    def build(**more):
        s = default_scenario().with_(model=presets.model("llama-3.1-70b"), hardware=presets.device("h100-sxm"),
                                     devices=4, prompt=1000, generate=200, **more)
        w = make_window(s)
        w.store.set_view(tab="plan")
        w.settle()
        pv = w.planner
        qtbot.waitUntil(lambda: not pv.busy(), timeout=120_000)
        return w, pv
    return build


def test_the_cheapest_setup_meeting_the_target_heads_the_view(planner):
    w, pv = planner(slo_ttft_ms=1000.0, slo_tpot_ms=15.0)
    rows = serving.plan(w.store.scenario)
    meeting = [r for r in rows if r.meets_slo and r.usd_per_million_output_tokens is not None]
    cheapest = min(meeting, key=lambda r: r.usd_per_million_output_tokens)  # a plain scan, here
    assert f"${two_sig(cheapest.usd_per_million_output_tokens)}" in pv.headline.text()
    assert f"{two_sig(cheapest.tokens_per_s_per_gpu)} tokens/s per GPU" in pv.headline.text()
    proxy = pv.table.model()
    assert proxy.rowCount() == len(rows) and proxy.index(0, 0).data() == "1"  # the search's order
    assert proxy.index(0, 7).data() == two_sig(cheapest.usd_per_million_output_tokens)
    assert proxy.index(0, 5).data() == presets.runtimes()[cheapest.runtime].name  # "vLLM", not "vllm"
    # every cell of the map: the cheapest meeting setup of that device and format
    m = pv.cells
    for i, hw in enumerate(m.devices):
        for j, (wf, kf) in enumerate(m.formats):
            cell = [r.usd_per_million_output_tokens for r in rows if (r.hardware, r.weights, r.kv) == (hw, wf, kf)
                    and r.meets_slo and r.usd_per_million_output_tokens is not None]
            if cell:
                assert m.usd[i, j] == pytest.approx(min(cell))
    assert m.meets.any() and not m.meets.all()  # a 15 ms TPOT is out of some setups' reach: a contour shows
    xs, ys = pv.contour.getData()
    assert len(xs) == 2 * len(m.contour()) > 0


def test_a_tighter_target_shrinks_the_region_inside_the_contour(planner, qtbot):
    w, pv = planner(slo_ttft_ms=1000.0, slo_tpot_ms=15.0)
    loose = int(pv.cells.meets.sum())
    w.panels["workload"].controls["slo_tpot_ms"].setValue(8.0)
    w.settle()
    qtbot.waitUntil(lambda: not pv.busy(), timeout=120_000)
    assert int(pv.cells.meets.sum()) < loose
    assert np.all(pv.cells.meets <= pv.cells.fits)


def test_every_cell_of_the_map_fits_its_words_at_1024x768(planner, qtbot):
    from PySide6.QtGui import QFontMetrics

    w, pv = planner()
    w.store.update(model=presets.model("llama-2-7b"), devices=1)  # cheap setups: "$0.056 · 1×", three digits
    w.resize(1024, 768)
    w.settle()
    qtbot.waitUntil(lambda: not pv.busy(), timeout=120_000)
    qtbot.wait(50)
    vb = pv.map.getPlotItem().vb
    cell_px = vb.width() / len(pv.cells.formats)  # the view box spans the formats (2 % padding aside)
    assert pv.cell_text
    for t in pv.cell_text:
        metrics = QFontMetrics(t.textItem.font())
        widest = max(metrics.horizontalAdvance(line) for line in t.textItem.toPlainText().split("\n"))
        assert widest <= cell_px, (t.textItem.toPlainText(), widest, cell_px)
        assert t.textItem.font().pointSizeF() >= 7  # still readable
