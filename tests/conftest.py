"""Test-wide set-up. Qt must be told to run offscreen before any QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's real 'this machine' measurement."""
    monkeypatch.setenv("INFERENCE_EXPLORER_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
