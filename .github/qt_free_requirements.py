"""Print the project's requirements without the Qt side (PySide6, pyqtgraph, pytest-qt) or the lint
tools, with pyproject.toml's own version bounds: what the core's and the CLI's tests import.
The workflow's Qt-free job installs exactly these (`pip install -r <(python this)`)."""

import re
import tomllib
from pathlib import Path

QT = ("pyside6", "pyqtgraph", "pytest-qt")
TOOLS = ("ruff", "mypy", "mutmut")  # gates run elsewhere (make lint), not by these tests

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
for req in project["dependencies"] + project["optional-dependencies"]["test"]:
    name = re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].lower()
    if not name.startswith(QT) and name not in TOOLS:
        print(req)
