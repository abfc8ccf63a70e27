"""Dependencies cannot go stale silently: a fitness test over every view.

Each view declares what it redraws for (``depends``, ``shows``, ``view_fields``, ``uses_pinned``);
nothing derives it. So: change each Scenario field and each ViewState field in turn, and compare
what every view on screen shows with what a view built fresh on the new state shows. A view
whose output would differ and that did not redraw fails here, naming the field.

And the user's case from the issue: pick vLLM in the Runtime combo on an RTX 4090 and read the
Precision panel's "In use" peak.
"""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from view_output import differences, output

from explorer.core.specs import presets
from explorer.core.state.appstate import AppState, ViewState
from explorer.core.state.scenario import Scenario, default_scenario

# One change per Scenario field, applied in this order on top of the ones before (each must be
# valid there). The runtime goes first: llama.cpp (the 4090's default) → vLLM is the issue's case.
SCENARIO_CHANGES = (
    ("runtime", "vllm"),
    ("weights", "int8"),
    ("kv", "fp8-e4m3"),
    ("compute", "bf16"),
    ("batch", 8),
    ("prompt", 4096),
    ("generate", 64),
    ("kv_cache", False),
    ("eta_compute", 0.5),
    ("eta_memory", 0.6),
    ("price_per_hour", 3.0),
    ("model", presets.model("llama-2-13b")),
    ("hardware", presets.device("h100-sxm")),
    ("devices", 2),
    ("parallel", "pipeline"),
    ("lengths", "uniform"),
    ("length_spread", 0.5),
    ("slo_ttft_ms", 500.0),
    ("slo_tpot_ms", 50.0),
    ("slo_percentile", 99),
    ("think_s", 1.0),
    ("load", 8.0),
    ("load_kind", "rate"),
    ("burstiness", 2.0),
)
VIEW_CHANGES = (
    ("log_axes", (("compute", False), ("memory", True))),
    ("compared_devices", ("rtx-4090", "h100-sxm")),
    ("theme", "dark"),
    ("font_scale", 1.25),
    ("highway", "lanes"),  # replaced below: one lane fewer
    ("tab", "post"),
    ("tour", "essay"),
    ("tour_step", 1),
)


def _views():
    """Every concrete StoreView class, and how to build one on a store."""
    import explorer.app.main_window  # noqa: F401  (imports every view module)
    from explorer.app.inspector import InspectorBody
    from explorer.app.panels.base import Panel
    from explorer.app.plots.base import PlotCard
    from explorer.app.serving.cards import ServingCard
    from explorer.app.view_base import StoreView

    found, todo = [], list(StoreView.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if getattr(cls, "stage_px", None) is not None:  # a plot's stage copy (present/stage_text.py): same
            continue                                    # redraws as its plot; tests/app/test_stage*.py hold it
        if cls not in (Panel, PlotCard, ServingCard) and cls.__module__.startswith("explorer.app"):
            found.append(cls)
    makers = {InspectorBody: lambda store: InspectorBody(store, "decode")}
    return sorted(((c, makers.get(c, c)) for c in found), key=lambda cm: cm[0].__name__)


ANIMATED = {"HighwayView"}  # its traffic moves between two looks; its figures are checked in test_highway
ASYNC = {"PlannerView"}  # its search runs off the GUI thread (a fresh one shows "searching…"); test_planner_view


def test_every_field_has_a_change_here():
    """A new field must be added above, so the fitness test covers it."""
    assert {f.name for f in fields(Scenario)} == {name for name, _ in SCENARIO_CHANGES}
    assert {f.name for f in fields(ViewState)} == {name for name, _ in VIEW_CHANGES}


def _change_view(view: ViewState, name: str, value):
    if name == "highway":
        return replace(view, highway=replace(view.highway, lanes=view.highway.lanes - 1))
    return replace(view, **{name: value})


@pytest.mark.timeout(400)  # every view rebuilt after each of ~35 changes: the serving views compute curves
def test_no_view_goes_stale_when_any_field_changes(qtbot):
    from explorer.app.store import AppStore
    from explorer.app.view_base import sync_all

    store = AppStore(AppState(default_scenario()))
    store.pin()  # overlays of A are part of what the plots show
    views = []
    for cls, make in _views():
        if cls.__name__ in ANIMATED | ASYNC:
            continue
        v = make(store)
        qtbot.addWidget(v)
        v.show()
        views.append((cls, make, v))
    assert len(views) >= 9  # four panels, the readouts, four plots (and more as they come)
    stale, gone_stale = [], set()

    def check(what: str) -> None:
        store.flush()
        sync_all()
        for cls, make, old in views:
            if cls in gone_stale:
                continue  # reported once, at the first change it missed
            fresh = make(store)
            qtbot.addWidget(fresh)
            fresh.show()
            sync_all()
            diff = differences(output(old), output(fresh))
            if diff:
                gone_stale.add(cls)
                stale.append(f"{cls.__name__} after {what}:\n    " + "\n    ".join(diff[:4]))
            fresh.close()
            fresh.deleteLater()

    for name, value in SCENARIO_CHANGES:
        assert store.update(**{name: value}), name
        check(f"scenario.{name} → {value if not hasattr(value, 'id') else value.id}")
    for name, value in VIEW_CHANGES:
        new = _change_view(store.view, name, value)
        store.set_view(**{name: getattr(new, name)})
        check(f"view.{name}")
    store.set_view(theme="light", font_scale=1.0)
    store.flush()
    assert not stale, "views that did not redraw for a change that alters them:\n" + "\n".join(stale)


@pytest.mark.parametrize("runtime_name, expected_tflops", [("vLLM", 165.2)])
def test_picking_vllm_in_the_runtime_combo_updates_the_precision_peak(make_window, qtbot, runtime_name,
                                                                      expected_tflops):
    """RTX 4090, FP16: llama.cpp accumulates in FP16 (330.3 TFLOPS dense, the data sheet's FP16
    figure with FP16 accumulate); vLLM's kernels accumulate in FP32, which GeForce runs at half
    rate: 165.2 TFLOPS (NVIDIA Ada whitepaper, Table 2: 330.3 / 165.2 dense)."""
    w = make_window()
    precision = w.panels["precision"]
    hardware = w.panels["hardware"]
    assert "330.3 TFLOPS" in precision.silicon.text()
    w.show_panel("hardware")
    combo = hardware.controls["runtime"]
    index = combo.findText(runtime_name, flags=pytest.importorskip("PySide6.QtCore").Qt.MatchFlag.MatchStartsWith)
    assert index > 0
    combo.setCurrentIndex(index)  # what choosing it in the drop-down does
    w.store.flush()
    w.show_panel("precision")
    qtbot.waitUntil(lambda: f"{expected_tflops:g} TFLOPS" in precision.silicon.text(), timeout=2000)
    assert "330.3 TFLOPS" not in precision.silicon.text()
