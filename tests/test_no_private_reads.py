"""Production code reads no private attribute of another object: ``x._name`` only when ``x`` is
``self`` or ``cls`` (the class reading its own). A class that needs another's data asks through a
public method or property; third-party privates break on the next release of that library.

Allowed: the interpreter's own documented escape hatches (``sys._MEIPASS`` set by PyInstaller,
``os._exit``), and a namedtuple's public API (``_replace``, ``_asdict``, ``_fields``)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "explorer"
ALLOWED = {("sys", "_MEIPASS"), ("os", "_exit"), ("sys", "_getframe")}
NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}


def _private_reads(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        attr = node.attr
        if not attr.startswith("_") or (attr.startswith("__") and attr.endswith("__")) or attr in NAMEDTUPLE_API:
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            continue
        if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
            continue  # super()._name: the class's own inherited member
        if isinstance(owner, ast.Name) and (owner.id, attr) in ALLOWED:
            continue
        yield node.lineno, ast.unparse(node)


def test_no_cross_object_private_reads():
    found = [f"{p.relative_to(ROOT.parent)}:{line}: {expr}"
             for p in sorted(ROOT.rglob("*.py")) for line, expr in _private_reads(p)]
    assert not found, "private attributes read from outside their object:\n" + "\n".join(found)


def test_the_scan_sees_a_private_read(tmp_path):
    """The scanner itself: reads through another object are found; self's own, dunders and the
    allowed ones are not."""
    src = tmp_path / "m.py"
    src.write_text("import os, sys\nclass A:\n    def f(self, other):\n"
                   "        os._exit(sys._MEIPASS.__len__() + self._x + cls._w)\n"
                   "        return other._y + type(self)._z + other.__class__ + super()._v\n")
    assert sorted(expr for _line, expr in _private_reads(src)) == ["other._y", "type(self)._z"]
