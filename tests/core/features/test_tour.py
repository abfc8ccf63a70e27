"""Tour files: the essay tour loads and walks the essay; a bad file is refused with its line."""

import re
from pathlib import Path

import pytest

from explorer import resources
from explorer.core.features.tour import MAX_TOUR_BYTES, TourError, load_tour, parse_tour
from explorer.core.specs import presets
from explorer.core.state.scenario import default_scenario

ESSAY = Path(__file__).resolve().parents[3] / "resources" / "tours" / "essay.toml"
SEED = Path("/work/shared/seed/why-inference-requires-exponential-compute.md")

GOOD = """\
[tour]
title = "t"
version = 1

[start]
model = "llama-2-7b"
hardware = "rtx-4090"
prompt = 100
generate = 0

[[step]]
title = "one"
caption = "first"

[[step]]
title = "two"
caption = "second"
scenario = { prompt = 1000 }
pin = { prompt = 10 }
view = { tab = "highway", highlight = "rel" }
highway = { lanes = 8, closed = 2 }

[[step]]
title = "three"
caption = "third"

[step.scenario]
batch = 4
"""


def test_essay_tour_is_shipped_and_valid():
    assert ESSAY in resources.tour_files()
    tour = load_tour(ESSAY)
    assert 12 <= len(tour) <= 16
    assert all(s.caption and len(s.caption) <= 600 for s in tour.steps)


def test_essay_tour_opens_with_the_essays_numbers():
    steps = load_tour(ESSAY).steps
    from explorer.core.physics.flops import relationships_per_head

    # The essay: 100 tokens -> 10,000 relationships; 1,000 -> 1,000,000.
    assert steps[0].scenario.prompt == 100 and relationships_per_head(steps[0].scenario.model, 100) == 10_000
    assert steps[1].scenario.prompt == 1000 and relationships_per_head(steps[1].scenario.model, 1000) == 1_000_000


def test_essay_tour_covers_the_whole_argument():
    """Each part of the essay's argument appears as a step (by what the step shows)."""
    steps = load_tour(ESSAY).steps
    hw = {s.scenario.hardware.id for s in steps} | {s.pin.hardware.id for s in steps if s.pin}
    assert {"rtx-4090", "m2-ultra", "h100-sxm"} <= hw
    assert any(not s.scenario.kv_cache for s in steps) and any(s.pin and s.pin.kv_cache for s in steps)
    assert any(s.scenario.weights == "fp32" for s in steps)
    assert any(presets.number_format(s.scenario.weights).bits_per_weight <= 5 for s in steps)
    assert any(s.tab == "highway" for s in steps)
    assert any(s.scenario.devices > 1 and s.pin and s.pin.parallel != s.scenario.parallel for s in steps)
    assert any(s.scenario.model.attention == "sliding" for s in steps)
    assert any(s.play for s in steps)
    closed = [s.highway.get("closed") for s in steps if s.tab == "highway"]
    assert len(closed) >= 2 and closed[1] == closed[0] + 1  # one more lane closed


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.mark.skipif(not SEED.exists(), reason="the seed essay is not beside this checkout")
def test_captions_quote_the_essay_at_most_a_phrase_at_a_time():
    essay = _words(SEED.read_text(encoding="utf-8"))
    runs = {" ".join(essay[i:i + 7]) for i in range(len(essay) - 6)}
    for step in load_tour(ESSAY).steps:
        words = _words(step.caption)
        for i in range(len(words) - 6):
            assert " ".join(words[i:i + 7]) not in runs, step.title


def test_scenario_changes_carry_over_and_the_rest_is_per_step():
    tour = parse_tour(GOOD)
    base = default_scenario().with_(model=presets.model("llama-2-7b"), hardware=presets.device("rtx-4090"),
                                    prompt=100, generate=0)
    one, two, three = tour.steps
    assert one.scenario == base and one.pin is None and one.tab == "overview" and one.highway == {}
    assert two.scenario == base.with_(prompt=1000)
    assert two.pin == base.with_(prompt=10)
    assert (two.tab, two.highlight, two.highway) == ("highway", "rel", {"lanes": 8, "closed": 2})
    assert three.scenario == base.with_(prompt=1000, batch=4)  # prompt carried over
    assert three.pin is None and three.tab == "overview"
    assert [s.line for s in tour.steps] == [11, 15, 23]


@pytest.mark.parametrize("old, new, line, words", [
    ('caption = "second"', 'caption = "second"\ncolour = "red"', 18, "step 2: unknown field(s): colour"),
    ("batch = 4", "batch = 0", 28, "step 3 scenario: batch must be at least 1"),
    ("batch = 4", 'batch = "four"', 28, "'four' is not of type 'integer'"),
    ('prompt = 1000 }', 'prompt = 1000, model = "llama-9" }', 18, "unknown model 'llama-9'"),
    ('tab = "highway"', 'tab = "slides"', 20, "'slides' is not one of overview"),
    ("lanes = 8, closed = 2", "lanes = 8, closed = 9", 15, "closes 9 lanes of 8"),
    ("version = 1", "version = 2", 3, "tour.version"),
    ('title = "three"', 'title = "three', 24, "not valid TOML"),
    ('caption = "first"\n', 'caption = "first"\nplay = { field = "batch", from = 1, to = 1e9 }\n', 11, "play.to"),
    # a caption's fields are bare figure names: "{context.0f}" (a typo for :.0f) reached into the
    # float for an attribute "0f" and raised AttributeError (found by make fuzz at 10,000)
    ('caption = "second"', 'caption = "{context.0f} tokens"', 15, "caption field 'context.0f' is not a figure name"),
    ('caption = "second"', 'caption = "{context.__class__}"', 15, "is not a figure name"),
    ('caption = "second"', 'caption = "{context[0]:,.0f}"', 15, "is not a figure name"),
    ('caption = "second"', 'caption = "{context:,q}"', 15, "caption cannot be filled"),
    ('caption = "second"', 'caption = "{' + "x" * 500 + '} {y1} {y2} {y3} {y4} {y5} {y6}"', 15, "unknown figure(s): 'xxxx"),
])
def test_a_bad_tour_is_refused_with_its_line_and_problem(old, new, line, words):
    assert old in GOOD
    with pytest.raises(TourError) as err:
        parse_tour(GOOD.replace(old, new, 1), "talk.toml")
    msg = str(err.value)
    assert msg.startswith(f"talk.toml, line {line}") or f"line {line}" in msg, msg
    assert words in msg, msg
    assert "\n" not in msg and len(msg) < 1200


def test_a_tour_without_steps_is_refused():
    with pytest.raises(TourError, match="step"):
        parse_tour('[tour]\ntitle = "t"\nversion = 1\n')


def test_oversized_special_and_binary_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("#" * (MAX_TOUR_BYTES + 1))
    with pytest.raises(TourError, match="refused"):
        load_tour(big)
    with pytest.raises(TourError, match="folder"):
        load_tour(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TourError, match="not UTF-8"):
        load_tour(binary)
    with pytest.raises(TourError, match="cannot read"):
        load_tour(tmp_path / "missing.toml")


def test_every_essay_step_fits_its_models_trained_context():
    for step in load_tour(ESSAY).steps:
        s = step.scenario
        assert s.prompt + s.generate <= s.model.max_context, step.title


def test_too_many_steps_names_the_count_and_limit_not_the_list():
    steps = "".join(f'[[step]]\ntitle = "s{i}"\ncaption = "c"\n' for i in range(201))
    with pytest.raises(TourError) as info:
        parse_tour('[tour]\ntitle = "T"\nversion = 1\n[start]\nmodel = "llama-2-7b"\n' + steps, "t.toml")
    msg = str(info.value)
    assert msg.endswith("step: 201 entries; at most 200") and "{'title'" not in msg and len(msg) < 120, msg


def test_a_highway_caption_is_filled_from_its_road_and_refused_elsewhere():
    """hw_ figures are the serving model's on the step's road (open lanes of lanes, the load);
    hw_prev_ the same road with one lane fewer closed. A step not on the highway has none."""
    head = ('[tour]\ntitle = "T"\nversion = 1\n[start]\nmodel = "llama-2-7b"\nhardware = "h100-sxm"\n'
            'prompt = 1000\ngenerate = 200\nload_kind = "rate"\nload = 5.0\n')
    road = ('[[step]]\ntitle = "road"\ncaption = "{hw_open:.0f} of {hw_lanes:.0f} open, {hw_rate:.1f}/s, '
            'TPOT {hw_prev_tpot_ms:.1f} → {hw_tpot_ms:.1f} ms"\nview = { tab = "highway" }\n'
            'highway = { lanes = 8, closed = 2 }\n')
    step = parse_tour(head + road).steps[0]
    m = re.fullmatch(r"6 of 8 open, 5\.0/s, TPOT ([\d.]+) → ([\d.]+) ms", step.caption)
    assert m, step.caption
    assert float(m.group(2)) > float(m.group(1))  # one lane fewer: each step's memory-bound part is longer
    with pytest.raises(TourError, match="unknown figure"):
        parse_tour(head + road.replace('view = { tab = "highway" }\n', ""))
