"""Untrusted files: size checked before reading, special files refused, depth capped, and every
refusal one line naming the file, the field and the problem."""

import json
import os
import threading

import pytest

from explorer.core.io import untrusted
from explorer.core.io.untrusted import FileRefused
from explorer.core.state.scenario import Scenario, default_scenario


def scenario_text(**changes) -> str:
    d = json.loads(default_scenario().to_json())
    d.update(changes)
    return json.dumps(d)


def refusal(path) -> str:
    with pytest.raises(FileRefused) as exc:
        Scenario.from_file(path)
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 1200
    return msg


def test_a_good_file_loads(tmp_path):
    f = tmp_path / "ok.json"
    f.write_text(default_scenario().with_(batch=3).to_json())
    assert Scenario.from_file(f).batch == 3


POSIX = pytest.mark.skipif(os.name != "posix" or not os.path.exists("/dev/zero"), reason="needs /dev/zero and FIFOs")


@POSIX
def test_link_to_dev_zero_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.json"
    os.symlink("/dev/zero", link)
    assert "not a regular file" in refusal(link)


@POSIX
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = []
    t = threading.Thread(target=lambda: result.append(refusal(fifo)), daemon=True)
    t.start()
    t.join(20)
    assert result and "not a regular file" in result[0]


def test_size_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:  # sparse: 6 MB on paper, nothing on disk
        fh.truncate(6 * 1024 * 1024)
    msg = refusal(big)
    assert "big.json" in msg and "6 MiB" in msg and "5 MiB" in msg


def test_folder_missing_file_and_bad_utf8(tmp_path):
    assert "folder" in refusal(tmp_path)
    assert "cannot read" in refusal(tmp_path / "nope.json")
    f = tmp_path / "latin.json"
    f.write_bytes(b'{"version": 1, "model": "caf\xe9"}')
    assert "latin.json is not UTF-8" in refusal(f)


def test_deep_nesting_is_refused(tmp_path):
    for depth in (40, 1000, 100_000):
        f = tmp_path / f"deep{depth}.json"
        f.write_text("[" * depth + "]" * depth)
        assert f"deep{depth}.json is nested too deeply" in refusal(f)
    t = tmp_path / "deep.toml"
    t.write_text("a = " + "[" * 5000 + "]" * 5000)
    with pytest.raises(FileRefused, match="deep.toml is nested too deeply"):
        untrusted.load(t, dict)


@pytest.mark.parametrize("changes,field", [
    ({"weights": 5}, "weights"),
    ({"batch": 10**400}, "batch"),
    ({"prompt": "1024"}, "prompt"),
    ({"version": True}, "version"),
    ({"kv_cache": "no"}, "kv_cache"),
    ({"model": {**default_scenario().model.to_dict(), "head_dim": 1e308}}, "head_dim"),
    ({"model": {**default_scenario().model.to_dict(), "learned_positions": -1e20}}, "learned_positions"),
    ({"model": {**default_scenario().model.to_dict(), "gated": "no"}}, "gated"),
    ({"hardware": {**default_scenario().hardware.to_dict(), "tflops": 5}}, "tflops"),
    ({"hardware": {**default_scenario().hardware.to_dict(), "tflops": {"fp16": "abc"}}}, "tflops.fp16"),
    ({"hardware": {**default_scenario().hardware.to_dict(), "name": "x" * 10**6}}, "name is too long"),
    ({"model": "x" * 10**6}, "model: ID is too long"),
    ({"devices": 2, "hardware": {**default_scenario().hardware.to_dict(), "interconnect_gbs": 0}}, "link"),
])
def test_bad_fields_name_file_field_and_problem(tmp_path, changes, field):
    f = tmp_path / "s.json"
    f.write_text(scenario_text(**changes))
    msg = refusal(f)
    assert msg.startswith("s.json: ") and field in msg, msg


def test_nan_and_huge_numbers_in_nested_fields(tmp_path):
    f = tmp_path / "n.json"
    d = json.loads(default_scenario().to_json())
    d["hardware"]["interconnect_gbs"] = float("nan")
    f.write_text(json.dumps(d))  # json writes NaN, which Python's reader accepts
    assert "interconnect_gbs must be a finite number" in refusal(f)
    f.write_text(scenario_text().replace('"batch": 1', '"batch": 1' + "0" * 5000))
    assert refusal(f).startswith("n.json: ")


# -- cost bounded by values, not only bytes; text that cannot be written back ---------------------
def test_many_small_values_under_the_byte_cap_are_refused_by_count(tmp_path):
    from explorer.core.io.untrusted import MAX_ITEMS, load
    f = tmp_path / "many.json"
    f.write_text("[" + "0," * MAX_ITEMS + "0]")
    with pytest.raises(FileRefused, match=f"many.json: more than {MAX_ITEMS:,} values; at most {MAX_ITEMS:,}"):
        load(f, lambda d: d)
    f.write_text("[" + ",".join(["0"] * MAX_ITEMS) + "]")
    assert len(load(f, lambda d: d)) == MAX_ITEMS


def test_toml_over_its_own_cap_is_refused_before_parsing(tmp_path):
    from explorer.core.io.untrusted import MAX_TOML_BYTES, load
    f = tmp_path / "big.toml"
    f.write_text("a = [" + "1," * (MAX_TOML_BYTES // 2) + "]\n")
    with pytest.raises(FileRefused, match="big.toml is .*; TOML files over 256 KiB are refused"):
        load(f, lambda d: d)


def test_lone_surrogates_become_replacement_characters(tmp_path):
    from explorer.core.io.untrusted import load
    f = tmp_path / "s.json"
    f.write_text('{"name": "a\\ud800b", "\\udfffkey": ["\\udc80"]}')
    data = load(f, lambda d: d)
    assert data == {"name": "a\ufffdb", "\ufffdkey": ["\ufffd"]}
    json.dumps(data).encode("utf-8")  # and it can be written again


def test_four_thousand_digit_number_is_one_short_line(tmp_path):
    f = tmp_path / "n.json"
    f.write_text('{"batch": ' + "9" * 5000 + "}")
    msg = refusal(f)
    assert msg == "n.json: a number with more than 4,300 digits (at most 4,300)"
    assert "set_int_max_str_digits" not in msg


@pytest.mark.parametrize("size,text", [(5 * 2**20, "5 MiB"), (10**6, "1 MB"), (1_000_001, "1.0 MB"),
                                       (5_500_000, "5.5 MB"), (256 * 1024, "256 KiB"), (1500, "1.5 kB"), (12, "12 bytes")])
def test_limits_are_written_as_people_write_them(size, text):
    assert untrusted.size_text(size) == text


def test_a_tour_over_its_cap_names_the_limit_plainly(tmp_path):
    from explorer.core.features.tour import TourError, load_tour
    f = tmp_path / "big.toml"
    f.write_bytes(b"#" * 1_000_001)
    with pytest.raises(TourError) as info:
        load_tour(f)
    assert str(info.value) == "big.toml is 1.0 MB; files over 1 MB are refused"


def test_versions_with_thousands_of_digits_are_not_echoed(tmp_path):
    from explorer.core.state.appstate import AppState
    from explorer.core.state.settings import SettingsData, SettingsError
    big = "9" * 4000
    f = tmp_path / "s.json"
    f.write_text(AppState(default_scenario()).to_json().replace('"version": 2', f'"version": {big}', 1))
    msg = refusal_of(lambda: AppState.from_file(f))
    assert "a 4000-digit number" in msg and len(msg) < 300
    with pytest.raises(SettingsError) as info:
        SettingsData.from_json(f'{{"version": {big}}}')
    assert "a 4000-digit number" in str(info.value) and len(str(info.value)) < 300


def refusal_of(fn) -> str:
    try:
        fn()
    except ValueError as exc:
        return str(exc)
    raise AssertionError("not refused")


def test_a_400_digit_number_in_a_session_view_field_is_one_line(tmp_path):
    """Found by the round-two fuzzing: formatting it with :g raised OverflowError (a traceback)."""
    from explorer.core.state.appstate import AppState
    f = tmp_path / "s.json"
    d = json.loads(AppState(default_scenario()).to_json())
    d["view"]["highway"]["lanes"] = 7
    f.write_text(json.dumps(d).replace('"lanes": 7', '"lanes": 1' + "0" * 400))
    msg = refusal_of(lambda: AppState.from_file(f))
    assert "highway.lanes" in msg and "a 401-digit number" in msg
