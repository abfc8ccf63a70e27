"""Names the app and core share are defined once, in core (core.state.view_rules): the themes the
app can draw, its tabs, the plots with a log toggle, the GUI's --theme choices."""

import argparse

from explorer.app import theme
from explorer.core.state import view_rules
from explorer.gui_options import add_gui_options


def test_every_theme_core_names_is_drawable_and_no_other():
    assert tuple(theme.THEMES) == view_rules.THEMES
    p = argparse.ArgumentParser()
    add_gui_options(p)
    choices = next(a.choices for a in p._actions if a.dest == "theme")
    assert tuple(choices) == (*view_rules.THEMES, "projector")


def test_tabs_and_log_toggles_follow_core(qtbot, make_window):
    w = make_window()
    assert w.tabs.count() == len(view_rules.TABS)
    for i, key in enumerate(view_rules.TABS):
        w.tabs.setCurrentIndex(i)
        w.settle()
        assert w.store.view.tab == key
    shown = {k for k, card in w.plots.items() if not card.log_box.isHidden()}
    assert shown == set(view_rules.LOG_PLOTS)
