"""Atomic writes: the target is replaced whole or left byte-for-byte intact."""

import os

import pytest

from explorer.core.io.atomic import WriteError, write_bytes, write_text


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "s.json"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "s.json"
    target.write_bytes(b"good contents")

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(WriteError, match="No space left on device; the previous file is intact"):
        write_bytes(target, b"x" * 1000)
    assert target.read_bytes() == b"good contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_missing_folder_says_nothing_was_written(tmp_path):
    with pytest.raises(WriteError, match="nothing was written"):
        write_text(tmp_path / "no" / "such" / "x.json", "a")
