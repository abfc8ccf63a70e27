"""The core's layers: a module imports only from its own layer or the layers above it.

The order is written once, in ``explorer.core.LAYERS``; this test reads every import statement of
every core module (function-level imports included) and refuses one that reaches down. Imports
under ``if TYPE_CHECKING:`` are annotations, never run, and are exempt.
"""

import ast
from pathlib import Path

import pytest

from explorer.core import LAYERS

CORE = Path(__file__).resolve().parents[2] / "explorer" / "core"


def _imports(tree: ast.Module, module: str):
    """(line, imported dotted name) for every import in the file, TYPE_CHECKING blocks excluded."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"


def _layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    if parts[:2] != ["explorer", "core"] or len(parts) < 3:
        return None
    return parts[2]


MODULES = sorted(p for p in CORE.rglob("*.py"))


def test_every_core_module_sits_in_a_named_layer():
    loose = [p.name for p in CORE.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"modules outside the layers: {loose}"
    packages = sorted(p.name for p in CORE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert sorted(LAYERS) == packages


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_imports_reach_only_upwards(path):
    rel = path.relative_to(CORE.parent.parent).with_suffix("")
    module = ".".join(rel.parts)
    own = _layer(module)
    if own is None:  # explorer/core/__init__.py
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, name in _imports(tree, module if path.name != "__init__.py" else module + ".x"):
        assert not name.startswith(("PySide6", "PyQt", "pyqtgraph", "shiboken")), f"{module}:{line} imports Qt"
        assert not name.startswith("explorer.app"), f"{module}:{line} imports the app"
        target = _layer(name)
        if target is None or target == own:
            continue
        assert target in LAYERS, f"{module}:{line} imports {name}: not a layer"
        assert LAYERS.index(target) < LAYERS.index(own), (
            f"{module}:{line} imports {name}: layer '{target}' sits below '{own}' in {LAYERS}")


def test_the_check_would_catch_a_downward_import():
    tree = ast.parse("from explorer.core.engine.estimate import estimate\n")
    [(line, name)] = list(_imports(tree, "explorer.core.physics.flops"))
    assert LAYERS.index(_layer(name)) > LAYERS.index("physics")
