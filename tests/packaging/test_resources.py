"""explorer/resources.py: the one place that finds files in resources/, in each layout."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from explorer import resources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_cache():
    resources.resources_dir.cache_clear()
    yield
    resources.resources_dir.cache_clear()


def test_source_tree_layout():
    assert resources.resources_dir() == ROOT / "resources"
    names = {p.name for p in resources.icon_files()}
    assert "inference-explorer.svg" in names
    assert {f"inference-explorer-{s}.png" for s in resources.ICON_SIZES} <= names


def test_frozen_layout_wins(tmp_path, monkeypatch):
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"


def test_missing_everywhere_names_each_place(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "_candidates", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(resources.ResourceError, match=r"looked in: .*a, .*b"):
        resources.resources_dir()


def test_missing_file_is_a_resource_error():
    with pytest.raises(resources.ResourceError, match="missing resource"):
        resources.path("icons", "no-such-icon.png")


def test_resources_module_is_qt_free():
    import subprocess

    code = "import sys, explorer.resources as r; r.icon_files(); print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "False"
