"""A validation CSV from a stranger: the work is bounded by rows and cells, not only bytes; odd
numbers, duplicate columns and unbalanced quotes are refused in one line naming what and the limit."""

import pytest

from explorer.core.features.validation import (MAX_CELL, MAX_COLUMNS, MAX_ROWS, ValidationFileError,
                                               read_rows, validate_text)
from explorer.core.features.validation_report import text_report

HEADER = "model,hardware,weights,kv,devices,parallel,batch,prompt,generate,metric,value"
ROW = "llama-2-7b,rtx-4090,fp16,,1,tensor,1,128,128,decode_tokens_per_s,{value}"


def test_two_million_one_word_lines_are_refused_at_the_row_cap_not_read_whole():
    text = HEADER + "\n" + "x\n" * 2_000_000
    with pytest.raises(ValidationFileError, match=f"more than {MAX_ROWS:,} data rows; at most {MAX_ROWS:,}"):
        read_rows(text)


def test_exactly_the_row_cap_is_read():
    assert len(read_rows(HEADER + "\n" + "x\n" * MAX_ROWS)) == MAX_ROWS


def test_too_many_columns_and_too_long_cells():
    with pytest.raises(ValidationFileError, match=f"{MAX_COLUMNS + 1} columns; at most {MAX_COLUMNS}"):
        read_rows(HEADER + "," + ",".join(f"c{i}" for i in range(MAX_COLUMNS - 10)) + "\n")
    long = "m" * (MAX_CELL + 1)
    with pytest.raises(ValidationFileError, match=f"line 2, column model: {MAX_CELL + 1:,} characters "
                                                  f"\\(at most {MAX_CELL}\\)"):
        read_rows(HEADER + "\n" + long + ",rtx-4090\n")
    with pytest.raises(ValidationFileError, match="line 2: 12 cells, but the header has 11 columns"):
        read_rows(HEADER + "\n" + ROW.format(value=1) + ",extra\n")


def test_duplicate_columns_are_refused_not_last_one_wins():
    with pytest.raises(ValidationFileError, match="duplicate column\\(s\\): value; each column may appear once"):
        read_rows(HEADER + ",value\n" + ROW.format(value=50) + ",9999\n")


def test_unbalanced_quote_is_refused_not_swallowing_the_rest():
    text = HEADER + "\n" + ROW.format(value='"50') + "\n" + ROW.format(value=60) + "\n" * 3
    with pytest.raises(ValidationFileError, match="not valid CSV.*quote may be unbalanced"):
        read_rows(text)


@pytest.mark.parametrize("value", ["5e-324", "1e-7", "inf", "+inf", "-inf", "nan", "1e999", "2e12", "0", "-5"])
def test_values_outside_the_range_are_refused_per_row_and_never_print_inf_or_nan(value):
    rows = validate_text(HEADER + "\n" + ROW.format(value=value) + "\n")
    assert rows[0].predicted is None and rows[0].error is None
    assert "value must be a number from 1e-06 to 1e+12" in rows[0].reason and value in rows[0].reason
    report = text_report(rows)
    assert "inf%" not in report and "nan%" not in report and "NOT PREDICTED" in report


def test_a_plain_row_still_predicts():
    rows = validate_text(HEADER + "\n" + ROW.format(value=50) + "\n")
    assert rows[0].reason == "" and rows[0].predicted > 0 and rows[0].error is not None


def test_a_newline_or_escape_inside_a_quoted_cell_stays_on_its_report_line():
    rows = validate_text(HEADER + '\n"llama\n\x1b[2J",rtx-4090,fp16,,1,tensor,1,128,128,decode_tokens_per_s,50\n')
    line = [ln for ln in text_report(rows).splitlines() if ln.lstrip().startswith("1 ")][0]
    assert "llama\\u000a\\u001b[2J" in line and "NOT PREDICTED" in line
