"""Atomic writes: the target is replaced whole or left byte-for-byte intact."""

import os
import socket
import stat
import subprocess
import sys
import time

import pytest

from explorer.core.io.atomic import WriteError, clean_stale, write_bytes, write_text


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


# -- what the target is: a link, a device, a pipe, a read-only file ------------------------------
def test_symlink_is_written_through_and_stays_a_link(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "settings.json"
    real.write_text("old")
    link = tmp_path / "settings.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in dotfiles.iterdir()) == ["settings.json"]  # no temporary left


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "real.csv")
    write_text(link, "a,b\n")
    assert link.is_symlink() and (tmp_path / "real.csv").read_text() == "a,b\n"


def device(tmp_path, name: str, minor: int) -> str:
    """A private copy of /dev/null (1, 3) or /dev/full (1, 7) when root can make one, so that a
    broken writer replaces only the copy; else the system's node (which a non-root user cannot replace)."""
    if os.geteuid() == 0 and hasattr(os, "mknod"):
        node = tmp_path / name
        try:
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
            return str(node)
        except OSError:
            pass
    if os.geteuid() == 0:
        pytest.skip("root without mknod: the system's device nodes are not risked")
    return f"/dev/{name}"


def test_dev_null_is_written_in_place_not_replaced(tmp_path):
    null = device(tmp_path, "null", 3)
    before = os.stat(null)
    write_text(null, "x" * 100)
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="Linux /dev/full")
def test_dev_full_fails_with_one_line_and_stays_a_device(tmp_path):
    full = device(tmp_path, "full", 7)
    with pytest.raises(WriteError, match=r"^could not write .*full: No space left on device$"):
        write_text(full, "row\n")
    assert stat.S_ISCHR(os.stat(full).st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_with_a_reader_gets_the_data_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # someone is reading
    try:
        write_text(fifo, "through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_without_a_reader_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="nothing is reading it; nothing was written"):
        write_text(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_read_only_file_is_refused_and_kept(tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("precious")
    target.chmod(0o444)
    with pytest.raises(WriteError, match="read-only; the previous file is intact"):
        write_text(target, "new")
    assert target.read_text() == "precious" and stat.S_IMODE(target.stat().st_mode) == 0o444


def test_folder_and_socket_are_refused_untouched(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(WriteError, match="it is a folder"):
        write_text(folder, "x")
    assert folder.is_dir()
    if hasattr(socket, "AF_UNIX"):
        path = tmp_path / "sock"
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        try:
            with pytest.raises(WriteError, match="not a regular file"):
                write_text(path, "x")
            assert stat.S_ISSOCK(os.stat(path).st_mode)
        finally:
            s.close()


def test_lone_surrogate_is_a_write_error_and_the_old_file_stays(tmp_path):
    target = tmp_path / "s.json"
    target.write_text("good")
    with pytest.raises(WriteError, match=r"'\\ud800' at character 9.*previous file is intact"):
        write_text(target, '{"name": \ud800}')
    assert target.read_text() == "good"


def test_long_path_message_keeps_the_reason_visible(tmp_path):
    with pytest.raises(WriteError) as info:
        write_text(tmp_path / ("x" * 300), "a")
    msg = str(info.value)
    assert "File name too long" in msg and len(msg) < 300 and "\n" not in msg


def test_stale_temporaries_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".s.json.{dead.stdout.strip()}.abcd.tmp"
    live = tmp_path / f".s.json.{os.getpid()}.efgh.tmp"
    keep = tmp_path / "s.json"
    for p in (stale, live, keep):
        p.write_text("x")
        os.utime(p, (time.time() - 600, time.time() - 600))
    assert clean_stale(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, keep.name])
