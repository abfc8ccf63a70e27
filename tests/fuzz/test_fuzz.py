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
