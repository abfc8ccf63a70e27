"""Fuzzing, round two (issue 19): hostile names through the CLI, the CSV export and the writer;
non-finite and huge numbers in every field of every file type; special files as outputs; two
processes writing one file at once. `make fuzz` runs the generated ones with FUZZ_EXAMPLES each."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_hostile as fh
import fuzz_inputs as fz

FAST = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-hostile")


def test_hostile_model_names_reach_the_terminal_escaped(folder):
    @settings(max_examples=fz.EXAMPLES or 200, **FAST)
    @given(fh.hostile_text, st.booleans(), st.booleans())
    def run(name, hf, as_json):
        fh.check_hostile_model_name(folder, name, hf, as_json)

    run()
    assert fz.COUNTS["hostile names estimated"]


def test_hostile_csv_cells_reach_the_terminal_escaped(folder):
    @settings(max_examples=fz.EXAMPLES or 150, **FAST)
    @given(st.lists(fh.hostile_text, min_size=3, max_size=3))
    def run(cells):
        fh.check_hostile_csv_cells(folder, cells)

    run()


def test_hostile_text_in_exported_csv_and_in_writes(folder):
    @settings(max_examples=fz.EXAMPLES or 300, **FAST)
    @given(fh.hostile_text, fh.hostile_text)
    def run(caption, cell):
        fh.check_hostile_export_text(caption, cell)
        fh.check_hostile_write(folder, caption)

    run()
    assert fz.COUNTS["hostile texts written"] and fz.COUNTS["hostile texts refused by the write"]


def test_non_finite_numbers_in_every_field_of_every_file_type(folder, monkeypatch):
    """Exhaustive: every leaf of every kind of file, each bad number."""
    from explorer.core.specs import this_machine

    monkeypatch.setenv(this_machine.ENV_DIR, str(folder / "this-machine"))
    for kind, (good, load) in fh.file_kinds(folder).items():
        for path in fh.leaf_paths(good):
            for bad in fh.BAD_NUMBERS:
                fh.check_bad_number(folder, kind, good, load, path, bad)
    for field in fh.TOUR_FIELDS:
        for bad in fh.TOML_BAD:
            fh.check_tour_bad_number(field, bad)
    assert fz.COUNTS["non-finite fields refused"] > 100 and fz.COUNTS["non-finite tour fields refused"]


def test_special_files_as_outputs(folder):
    counter = iter(range(10**9))

    @settings(max_examples=min(fz.EXAMPLES or 60, 2000), **FAST)
    @given(st.sampled_from(fh.SPECIALS))
    def run(kind):
        fh.check_special_output(folder, kind, next(counter))

    run()
    for kind in fh.SPECIALS:  # and each kind at least once, whatever was drawn
        fh.check_special_output(folder, kind, next(counter))
    assert fz.COUNTS["special outputs (written)"] and fz.COUNTS["special outputs (refused)"]


def test_two_processes_write_one_file_at_once(tmp_path):
    fh.two_writers(tmp_path, rounds=max(50, min(fz.EXAMPLES // 10, 2000)))
