"""Build the one-folder bundle and its archive:  dist/InferenceExplorer/  and
dist/InferenceExplorer-<version>-<os>-<arch>.tar.gz.   `make package` runs this in .venv-package.

    python packaging/build.py [--clean] [--no-archive]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from importlib.metadata import PackageNotFoundError, distributions, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "InferenceExplorer"
DIST = ROOT / "dist"
OTHER_BINDINGS = ("PyQt5", "PyQt6", "PySide2")


def fail(msg: str) -> None:
    sys.exit(f"build: {msg}")


def check_environment() -> str:
    """Exactly one Qt binding (PySide6-Essentials), and package metadata matching pyproject.toml."""
    others = [b for b in OTHER_BINDINGS if importlib.util.find_spec(b) is not None]
    if others:
        fail(f"the build environment must hold one Qt binding; also found {', '.join(others)}")
    dists = {(d.metadata["Name"] or "").lower().replace("_", "-") for d in distributions()}
    if "pyside6-addons" in dists or "pyside6" in dists:
        fail("install PySide6-Essentials only (PySide6 / PySide6-Addons would bloat the bundle)")
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    try:
        installed = version("inference-explorer")
    except PackageNotFoundError:
        fail("inference-explorer is not installed in this environment: pip install . pyinstaller==6.22.0")
    if installed != wanted:
        fail(f"installed metadata says {installed}, pyproject.toml says {wanted}: pip install . again")
    return wanted


def archive_name(ver: str) -> str:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{NAME}-{ver}-{system}-{machine}.tar.gz"


def strip_python_debug_info(bundle: Path) -> None:
    """This machine's CPython ships libpython and lib-dynload with debug info (~25 MiB). Drop only the
    debug sections of Python's own files; never strip numpy's OpenBLAS or Qt."""
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or not strip:
        return
    internal = bundle / "_internal"
    files = [p for p in internal.glob("libpython*.so*") if p.is_file() and not p.is_symlink()]
    files += sorted(internal.glob("python3*/lib-dynload/*.so"))
    if files:
        subprocess.run([strip, "--strip-debug", *map(str, files)], check=True)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clean", action="store_true", help="clear PyInstaller's cache first")
    ap.add_argument("--no-archive", action="store_true", help="skip the .tar.gz")
    opts = ap.parse_args()
    ver = check_environment()
    t0 = time.perf_counter()
    bundle = DIST / NAME
    args = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "packaging" / f"{NAME}.spec")]
    if opts.clean:
        args.insert(3, "--clean")
    env = dict(os.environ, PYTHONHASHSEED="0")
    subprocess.run(args, check=True, cwd=ROOT, env=env)
    strip_python_debug_info(bundle)
    if sys.platform.startswith("linux"):
        shutil.copy2(ROOT / "packaging" / "inference-explorer.desktop", bundle / "inference-explorer.desktop")
        shutil.copy2(ROOT / "resources" / "icons" / "inference-explorer-256.png", bundle / "inference-explorer.png")
    built = time.perf_counter() - t0
    print(f"bundle: {bundle.relative_to(ROOT)}  {dir_size(bundle) / 2**20:.1f} MiB  (build {built:.1f} s)")
    if not opts.no_archive:
        out = DIST / archive_name(ver)
        for old in DIST.glob(f"{NAME}-*.tar.gz"):
            old.unlink()
        t1 = time.perf_counter()
        with tarfile.open(out, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=NAME)
        print(f"archive: {out.relative_to(ROOT)}  {out.stat().st_size / 2**20:.1f} MiB  "
              f"({time.perf_counter() - t1:.1f} s)")
        app = DIST / f"{NAME}.app"
        if sys.platform == "darwin" and app.is_dir():
            out_app = DIST / archive_name(ver).replace(".tar.gz", "-app.tar.gz")
            with tarfile.open(out_app, "w:gz", compresslevel=6) as tar:
                tar.add(app, arcname=app.name)
            print(f"archive: {out_app.relative_to(ROOT)}  {out_app.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
