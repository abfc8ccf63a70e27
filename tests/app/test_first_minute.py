"""A new user's first minute: Help names the way in, the toolbar's Next starts the essay, the
examples have readable names, every Alt+letter is unique, and Tab reaches the Workload panel."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from explorer import resources
from explorer.core.features.tour import load_tour


def _mnemonic(text: str) -> str | None:
    m = re.search(r"&([^&])", text.replace("&&", ""))
    return m.group(1).lower() if m else None


def test_menu_mnemonics_are_unique_and_alt_h_is_help(make_window):
    w = make_window()
    bar = w.menuBar()
    top = [_mnemonic(a.text()) for a in bar.actions() if a.text()]
    tabs = [_mnemonic(w.tabs.tabText(i)) for i in range(w.tabs.count())]
    window_wide = [k for k in top + tabs if k]
    assert len(window_wide) == len(set(window_wide)), (top, tabs)
    assert [a.text() for a in bar.actions() if _mnemonic(a.text()) == "h"] == ["&Help"]

    menus = w.findChildren(QMenu)
    assert len(menus) >= 8
    for menu in menus:  # every menu and submenu: its own letters unique
        keys = [_mnemonic(a.text()) for a in menu.actions() if a.text() and not a.isSeparator()]
        keys = [k for k in keys if k]
        assert len(keys) == len(set(keys)), f"{menu.title()}: {[a.text() for a in menu.actions()]}"


def test_help_starts_the_essay_and_lists_the_keys(make_window, no_modal_boxes):
    w = make_window()
    names = [a.text() for a in w.help_menu.actions() if a.text()]
    assert names == ["&Start the essay tour", "&Keyboard shortcuts", "&About"]
    start = w.help_menu.actions()[0]
    start.trigger()
    tour = load_tour(resources.essay_tour())
    assert w.presenter.player is not None and w.presenter.player.index == 0
    assert w.presenter.caption_bar.title.text() == tour.steps[0].title
    w.help_menu.actions()[1].trigger()
    assert any("PageDown" in str(m) and "F5" in str(m) for m in no_modal_boxes)


def test_the_toolbars_next_starts_the_essay_when_no_tour_is_open(make_window):
    w = make_window()
    assert w.presenter.player is None
    w.presenter.actions["next"].trigger()
    assert w.presenter.player is not None and w.presenter.player.index == 0
    w.presenter.actions["next"].trigger()
    assert w.presenter.player.index in (0, 1)  # a morph may still run; the step is the second
    w.presenter.player.finish()
    assert w.presenter.player.index == 1


def test_examples_have_readable_names(make_window):
    w = make_window()
    examples = next(m for m in w.findChildren(QMenu) if m.title() == "Exa&mples")
    names = [a.text() for a in examples.actions()]
    assert len(names) == len(resources.scenario_files()) >= 3
    for name in names:
        assert not re.match(r"^\d", name) and ".json" not in name and "-" not in name.split(",")[0], name
    assert "Llama 2 7B, FP16 on NVIDIA GeForce RTX 4090" in names[0] or names[0].startswith("Llama 2 7B, FP16 on")


def test_tab_reaches_the_workload_controls_in_a_few_presses(make_window, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    workload = w.panels["workload"]
    reached = None
    for presses in range(1, 9):
        qtbot.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_Tab)
        f = QApplication.focusWidget()
        if f is not None and workload.isAncestorOf(f):
            reached = presses
            break
    assert reached is not None and reached <= 4, f"Tab reaches {QApplication.focusWidget()} after 8 presses"


def test_readme_names_the_essay_by_title_and_points_only_at_what_the_checkout_has():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "*Why AI Inference\nRequires Exponential Compute" in text or "*Why AI Inference Requires Exponential Compute" in text
    assert "shared/" not in text and "seed/" not in text
    paths = set(re.findall(r"`((?:[\w.-]+/)+[\w.*-]*)`", text)) | set(re.findall(r"\]\(((?:[\w.-]+/)+[\w.-]+)\)", text))
    ours = [p for p in paths if p.split("/")[0] in ("explorer", "resources", "docs", "benchmarks", "tests",
                                                     "packaging", "shared")]  # not build output or others' binaries
    assert len(ours) >= 10
    missing = [p for p in ours if not list(root.glob(p))]
    assert not missing, missing
