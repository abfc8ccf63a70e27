"""Writes on a full disk and on a read-only folder (a real small tmpfs, mounted when the tests
run as root; skipped otherwise): the previous file stays byte-for-byte intact, the message says
so, and nothing half-written is left beside it."""

import os
import subprocess
import sys
import uuid

import pytest

from explorer.core.state.scenario import default_scenario

OLD = b"previous good contents\n"


@pytest.fixture
def small_disk(tmp_path):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / f"mnt-{uuid.uuid4().hex[:6]}"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(folder) -> None:
    with open(folder / "filler", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 1024)
        except OSError:
            pass


def read_only(folder) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


def prepared(folder, name):
    target = folder / name
    target.write_bytes(OLD)
    return target


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


@pytest.mark.parametrize("block", [fill, read_only])
def test_cli_csv(small_disk, block):
    target = prepared(small_disk, "sweep.csv")
    block(small_disk)
    out = subprocess.run([sys.executable, "-m", "explorer", "sweep", "--model", "llama-2-7b", "--hardware",
                          "rtx-4090", "--vary", "prompt=1:1000000", "--points", "2000", "--csv", str(target)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "previous file is intact" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == OLD and leftovers(small_disk) == ["sweep.csv"]


@pytest.mark.parametrize("block", [fill, read_only])
def test_gui_save_and_png_export(qtbot, make_window, no_modal_boxes, small_disk, block):
    w = make_window(default_scenario().with_(batch=3))
    scen, png = prepared(small_disk, "s.json"), prepared(small_disk, "plots.png")
    block(small_disk)
    assert not w.files.save_scenario(str(scen))
    assert not w.files.export_png(str(png))
    assert scen.read_bytes() == OLD and png.read_bytes() == OLD
    assert leftovers(small_disk) == ["plots.png", "s.json"]
    assert len(no_modal_boxes) == 2 and all("previous file is intact" in m for m in no_modal_boxes)
