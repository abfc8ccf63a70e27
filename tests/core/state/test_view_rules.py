"""The view rules (core.state.view_rules), each against a hand-written expectation."""

import pytest

from explorer.core.specs import presets
from explorer.core.state import view_rules as vr
from explorer.core.state.appstate import HighwaySettings, StateError, ViewState


def test_closed_lanes_follow_the_road_down_but_never_up():
    hw = HighwaySettings(lanes=16, closed=10)
    assert vr.highway_changes(hw, {"lanes": 4}) == {"lanes": 4, "closed": 4}
    assert vr.highway_changes(hw, {"lanes": 12}) == {"lanes": 12}  # 10 of 12 still fits
    assert vr.highway_changes(hw, {"lanes": 32}) == {"lanes": 32}
    # Both given and inconsistent: nothing is invented, the check refuses it.
    with pytest.raises(StateError, match="highway.closed must be between 0 and 4"):
        vr.view_with(ViewState(highway=hw), {"highway": {"lanes": 4, "closed": 9}})
    assert vr.view_with(ViewState(highway=hw), {"highway": {"lanes": 3}}).highway.closed == 3


def test_compared_devices_one_to_twelve():
    assert vr.compared_toggled(("a",), "a", False) == ("a",)  # the last stays
    assert vr.compared_toggled(("a", "b"), "a", False) == ("b",)
    assert vr.compared_toggled(("a",), "b", True) == ("a", "b")
    assert vr.compared_toggled(("a", "b"), "b", True) == ("a", "b")
    v = ViewState()
    ids = tuple(sorted(presets.hardware()))
    assert vr.view_with(v, {"compared_devices": ids[:12]}).compared_devices == ids[:12]
    with pytest.raises(StateError, match="1 to 12 devices"):
        vr.view_with(v, {"compared_devices": ids[:13]})
    with pytest.raises(StateError, match="1 to 12 devices"):
        vr.view_with(v, {"compared_devices": ()})


def test_zoom_steps_and_font_scale_range():
    assert vr.zoom(1.0, +1) == 1.1 and vr.zoom(1.0, -1) == 0.9 and vr.zoom(1.6, 0) == 1.0
    assert vr.zoom(2.0, +1) == 2.0 and vr.zoom(0.8, -1) == 0.8  # the ends hold
    assert vr.zoom(1.05, +1) == 1.1 and vr.zoom(1.05, -1) == 1.0  # off-step scales snap to a step
    lo, hi = vr.FONT_SCALE
    assert lo <= min(vr.FONT_STEPS) and max(vr.FONT_STEPS) <= hi
    with pytest.raises(StateError, match="font_scale must be between 0.5 and 3"):
        vr.view_with(ViewState(), {"font_scale": 3.01})


def test_unknown_fields_and_wrong_types_are_refused_in_one_line():
    for changes, words in [({"zoom": 2}, "unknown view field(s): zoom"),
                           ({"highway": {"lanez": 2}}, "unknown view.highway field(s): lanez"),
                           ({"log_axes": "0"}, "view.log_axes must map"),
                           ({"log_axes": (("roofline", True),)}, "view.log_axes must be one of compute, memory"),
                           ({"theme": "neon"}, "view.theme must be one of light, dark, presenter")]:
        with pytest.raises(StateError) as err:
            vr.view_with(ViewState(), changes)
        assert words in str(err.value) and "\n" not in str(err.value)
