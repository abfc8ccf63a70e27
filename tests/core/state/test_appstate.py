"""AppState: frozen, JSON round trip, every file version opens, newer ones are refused,
partial states (tour steps) are validated."""

import dataclasses
import json

import pytest

from explorer.core.specs import presets
from explorer.core.state.appstate import (
    STATE_VERSION,
    AppState,
    StateError,
    ViewState,
    apply_partial,
    read_scenario,
)
from explorer.core.state.scenario import default_scenario


def test_frozen_and_round_trip_with_pin_and_view():
    s = default_scenario()
    st = AppState(s.with_(weights="int4", batch=8), pinned=s,
                  view=ViewState(tab="highway").with_log("compute", False))
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.scenario = s
    again = AppState.from_json(st.to_json())
    assert again == st
    assert json.loads(st.to_json())["version"] == STATE_VERSION


def test_version_1_scenario_files_open_as_the_live_scenario():
    # What the first app version saved: version 1, no serving fields (load, lengths, latency target).
    d = default_scenario().with_(batch=7).to_dict()
    serving = ("load_kind", "load", "burstiness", "think_s", "lengths", "length_spread", "slo_ttft_ms",
               "slo_tpot_ms", "slo_percentile")
    v1 = json.dumps({**{k: v for k, v in d.items() if k not in serving}, "version": 1})
    st = AppState.from_json(v1)
    assert st.scenario.batch == 7 and st.pinned is None and st.view == ViewState()
    assert read_scenario(v1) == st.scenario
    assert (st.scenario.load_kind, st.scenario.load, st.scenario.slo_percentile) == ("concurrency", 1.0, 90)


def test_a_newer_file_is_refused_clearly():
    data = AppState(default_scenario()).to_dict()
    data["version"] = STATE_VERSION + 1
    with pytest.raises(StateError) as exc:
        AppState.from_dict(data)
    assert "newer version" in str(exc.value) and "update the app" in str(exc.value)


@pytest.mark.parametrize("patch,fragment", [
    ({"colour": 1}, "unknown state field"),
    ({"view": {"tab": "nowhere"}}, "view.tab"),
    ({"view": {"highway": {"lanes": 0}}}, "highway.lanes"),
    ({"view": {"highway": {"lanes": 4, "closed": 5}}}, "highway.closed"),
    ({"view": {"compared_devices": ["no-such-gpu"]}}, "compared_devices"),
    ({"scenario": {"batch": 0}}, "batch"),
    ({"scenario": {"model": "no-such-model"}}, "no-such-model"),
    ({"scenario": {"colour": 3}}, "unknown scenario field"),
])
def test_bad_partial_states_name_the_field(patch, fragment):
    with pytest.raises(StateError) as exc:
        apply_partial(AppState(default_scenario()), patch)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_partial_state_like_a_tour_step():
    st = AppState(default_scenario())
    new = st.apply_partial({"scenario": {"weights": "int4", "model": "mixtral-8x7b"}, "pinned": "scenario",
                            "view": {"tab": "highway", "highway": {"closed": 3}, "log_axes": {"memory": True}}})
    assert new.scenario.model == presets.model("mixtral-8x7b") and new.scenario.weights == "int4"
    assert new.pinned == new.scenario
    assert (new.view.tab, new.view.highway.closed, new.view.highway.lanes) == ("highway", 3, 16)
    assert new.view.log("memory", False) is True
    assert st.view.tab == "overview"  # the original is untouched
    assert new.apply_partial({"pinned": None}).pinned is None


@pytest.mark.parametrize("runtime", [None, "vllm"])
def test_version_1_files_with_and_without_a_runtime(runtime):
    from explorer.core.specs import presets as p

    if runtime is not None and runtime not in p.runtimes():
        pytest.skip("no such runtime profile")
    data = {"version": 1, "model": "llama-2-7b", "hardware": "h100-sxm", "batch": 4}
    if runtime:
        data["runtime"] = runtime
    st = AppState.from_dict(data)
    assert st.scenario.runtime == runtime and st.scenario.batch == 4
    assert AppState.from_json(st.to_json()) == st


def test_a_session_saved_with_the_retired_token_highway_fields_still_opens():
    """Before the serving model, the highway counted tokens from a fixed group of users
    (``users``, ``rate``, ``target_tokens_per_s``). Those sessions open; the keys are dropped
    (nothing reads them), and a new save does not write them."""
    d = json.loads(AppState(default_scenario()).to_json())
    d["view"]["highway"].update({"lanes": 12, "closed": 2, "users": 8, "rate": 20.0, "target_tokens_per_s": 30.0})
    st = AppState.from_dict(d)
    assert (st.view.highway.lanes, st.view.highway.closed) == (12, 2)
    saved = json.loads(st.to_json())["view"]["highway"]
    assert set(saved) == {"lanes", "closed", "shared_percent", "show"}
    with pytest.raises(StateError, match="unknown view.highway field"):  # other unknown keys still refused
        AppState.from_dict({**d, "view": {**d["view"], "highway": {"lanes": 4, "lanez": 2}}})
