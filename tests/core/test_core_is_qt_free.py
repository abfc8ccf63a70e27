"""DESIGN habit 1: the core and the CLI never import Qt (checked in a fresh interpreter)."""

import subprocess
import sys


def test_core_and_cli_do_not_import_qt():
    code = (
        "import sys\n"
        "import explorer.core.engine.estimate, explorer.core.text.report, explorer.cli\n"
        "from explorer.cli import main\n"
        "main(['estimate', '--model', 'llama-2-7b', '--hardware', 'rtx-4090', '--json'])\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'pyqtgraph', 'shiboken'))]\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
