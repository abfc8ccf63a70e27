"""Per-change work is done once (core.features.view_results): a highway control edit computes the
road's state once, a readout redraw does not redo the does-not-fit search, and the post pane
neither recounts an unchanged text nor recosts an unchanged scenario."""

from explorer.core.features import tokens
from explorer.core.highway import traffic
from explorer.core.specs import presets
from explorer.core.text import report


def _counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counted(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_one_highway_control_edit_computes_the_road_once(qtbot, make_window, monkeypatch):
    w = make_window()
    w.tabs.setCurrentIndex(1)
    hv = w.highway
    w.settle()
    calls = _counting(monkeypatch, traffic, "highway")
    closed = hv.panel.closed
    closed.setValue(closed.value() + 1)  # the edit, then the store's change: the road is computed once
    w.settle()
    assert len(calls) == 1
    closed.setValue(closed.value() - 1)  # back to settings already drawn for this scenario: none
    w.settle()
    assert len(calls) == 1
    closed.setValue(closed.value() + 2)  # settings not seen yet: one more
    w.settle()
    assert len(calls) == 2


def test_a_readout_redraw_does_not_repeat_the_fit_search(qtbot, make_window, monkeypatch):
    w = make_window()
    calls = _counting(monkeypatch, report, "fit_options")
    w.store.update(model=presets.model("llama-2-70b"))  # 70B on one RTX 4090: does not fit
    w.settle()
    assert len(calls) == 1
    assert "would fit" in w.readouts.sentence.text()
    for theme in ("dark", "light", "dark"):  # every readout redraws; the advice is read, not searched
        w.store.set_view(theme=theme)
        w.settle()
    assert len(calls) == 1


def test_the_post_pane_counts_a_text_once_and_costs_a_scenario_once(qtbot, make_window, monkeypatch):
    w = make_window()
    w.tabs.setCurrentIndex(2)
    pane = w.post
    costs = _counting(monkeypatch, tokens, "post_cost")
    tokens.count_tokens.cache_clear()
    pane.set_text("Why inference requires exponential compute. " * 20)
    pane.set_text("Why inference requires exponential compute. " * 20)
    w.settle()
    assert tokens.count_tokens.cache_info().misses == 1
    n = len(costs)
    assert n == 1
    w.store.set_view(theme="dark")
    w.settle()
    pane.refresh()
    assert len(costs) == n
    w.store.update(batch=4)  # a new scenario: costed again
    w.settle()
    pane.refresh()
    assert len(costs) == n + 1
