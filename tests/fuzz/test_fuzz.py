"""Fuzzing in the suite: generated scenario and model files through the loaders, argument vectors
through the CLI, scenario files through File › Open. Every input loads to a valid state or is
refused with one line; nothing raises, nothing hangs. ``make fuzz`` runs the same with ≥ 10,000
of each (FUZZ_EXAMPLES) and prints the counts."""

import pytest
from hypothesis import HealthCheck, given, settings

import fuzz_inputs as fz

SUITE = {"scenario": 1200, "model": 500, "argv": 1200}


def examples(kind: str) -> int:
    return fz.EXAMPLES or SUITE[kind]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz")
    fz.make_files(path)
    return path


def test_scenario_files(folder):
    @settings(max_examples=examples("scenario"), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fz.scenario_files())
    def run(data):
        fz.check_scenario_file(folder / "fuzzed.json", data)

    run()
    assert fz.COUNTS["scenario files loaded"] and fz.COUNTS["scenario files refused"]


def test_model_files(folder):
    @settings(max_examples=examples("model"), deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.model_files())
    def run(data):
        fz.check_model_file(folder / "fuzzed-model.json", data)

    run()


def test_argument_vectors(folder, monkeypatch):
    monkeypatch.chdir(folder)

    @settings(max_examples=examples("argv"), deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.argv_vectors())
    def run(argv):
        fz.check_argv(argv)

    run()
    assert fz.COUNTS["argument vectors run"] and fz.COUNTS["argument vectors refused"]


def test_tour_files(folder):
    from explorer.core.features.tour import TourError, load_tour

    @settings(max_examples=fz.EXAMPLES or 300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.tour_files())
    def run(data):
        fz.check_text_file("tour files", folder / "fuzzed-tour.toml", data, load_tour, TourError)

    run()
    assert fz.COUNTS["tour files loaded"] and fz.COUNTS["tour files refused"]


def _finite_rows(rows):
    import math

    for r in rows:
        assert r.reason or (math.isfinite(r.measured) and r.predicted is not None and math.isfinite(r.predicted)), r
    return rows


def test_validation_csv_files(folder):
    from explorer.core.io import untrusted
    from explorer.core.features.validation import ValidationFileError, validate_text

    @settings(max_examples=fz.EXAMPLES or 300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fz.validation_csvs())
    def run(data):
        fz.check_text_file("validation CSVs", folder / "fuzzed.csv", data,
                           lambda p: _finite_rows(validate_text(untrusted.read_text(p))),
                           (ValidationFileError, untrusted.FileRefused))

    run()
    assert fz.COUNTS["validation CSVs loaded"] and fz.COUNTS["validation CSVs refused"]
