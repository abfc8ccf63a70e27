"""Every step proves its caption: each number the caption claims (a ratio "4×", a figure with a
unit "118 ms", "60 tokens/s", "128 GiB", a token count "131,072 tokens", a count of "pairs")
is on the stage at that step — in a readout, a label or legend inside the hero plot, or an axis
tick — to the caption's own precision. What is read is what the stage shows (the widgets' text
after the step is drawn), not the tour file or the function that fills it. A caption that
compares with "A" has a pinned scenario, drawn (a dashed twin) or read out ("A: …")."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication

from explorer import resources
from explorer.app.present.stage_text import text_boxes
from explorer.core.features.tour import load_tour

CLAIM = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(×|ms\b|GB\b|GiB\b|MiB\b|tokens/s|-token|tokens\b|pairs\b)")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
ESSAY = load_tour(resources.essay_tour())


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def shown_numbers(stage) -> list[float]:
    texts = [b.text for b in text_boxes(stage) if b.text != stage.caption.text()]
    out = []
    for t in texts:
        plain = re.sub(r"<[^>]+>", " ", t).replace("&nbsp;", " ")
        for m in NUMBER.finditer(plain):
            out.append(_value(m.group()))
    return out


STATES = ("free flow", "heavy", "near capacity", "overloaded")


def _same_figure(shown: float, claim: float, decimals: int) -> bool:
    """The caption's figure (to ``decimals`` places) and a figure on stage can be the same number:
    45.46 reads "45" in a caption and "45.5" on stage, and 45.5 no longer rounds to 45."""
    return round(shown, decimals) == claim or abs(shown - claim) <= 0.5 * 10 ** -decimals + 1e-9


def highway_claims_missing(stage, caption: str, shown: list[float]) -> list[str]:
    """A highway caption quotes the serving model in plain numbers ("11.0 requests arrive",
    "12 of 16 open", "~80 ride", "0.53 s"): every number in it — but those inside a model's or
    device's name (Llama 2 7B, H100) and a percentile's (p99) — is on stage, and a state it names
    ("near capacity") is the state the road shows."""
    scenario = stage.store.scenario
    plain = caption.replace(scenario.model.name, " ")
    plain = re.sub(r"\b[A-Za-z]+\d+\w*|\b\d+[A-Za-z]\w*", " ", plain)  # H100, p99, 7B
    plain = plain.replace("Llama 2", " ")
    missing = []
    for m in NUMBER.finditer(plain):
        text = m.group()
        want, d = _value(text), _decimals(text)
        if not any(_same_figure(v, want, d) for v in shown):
            missing.append(repr(text))
    view = next(v for v in stage.hero_views() if hasattr(v, "road"))
    state = re.sub(r"<[^>]+>", " ", view.state_label.text())
    for word in STATES:
        if word in caption and word not in state:
            missing.append(f"{word!r} (the road shows {state.strip()!r})")
    return missing


@pytest.mark.parametrize("index", range(len(ESSAY)), ids=lambda i: f"step{i + 1}")
def test_every_number_in_the_caption_is_on_stage(make_window, index):
    w = make_window(size=(1280, 720))
    p = w.presenter
    p.stage_layout()
    p.start(ESSAY)
    p.player.animate = False
    p.player.go(index)
    w.settle()
    QApplication.processEvents()
    w.settle()
    p.stage.grab()
    caption = p.stage.caption.text()
    assert caption, index
    shown = shown_numbers(p.stage)
    missing = []
    for m in CLAIM.finditer(caption):
        if caption[:m.start()].endswith("not "):
            continue  # the essay's figure, refuted ("not 4×"): the stage shows what holds instead
        text = m.group(1)
        want = _value(text)
        d = _decimals(text)
        if not any(_same_figure(v, want, d) for v in shown):
            missing.append(f"{m.group(0)!r}")
    if ESSAY.steps[index].tab == "highway":
        missing += highway_claims_missing(p.stage, caption, shown)
    assert not missing, f"step {index + 1}: caption claims {', '.join(missing)}; the stage shows {sorted(set(shown))}"
    if re.search(r"\bA\)|\(dashed|pinned A|\(A\)", caption):
        assert w.store.pinned is not None, f"step {index + 1} compares with A but pins nothing"
        cards = [v for v in p.stage.hero_views() if hasattr(v, "plot")]
        drawn = any(t is not None and t.isVisible() for c in cards for k, *_ in c.series()
                    for t in [c.pinned_curve(k)])
        read = any(r.isVisible() and r.label.text().startswith("A") for r in p.stage.readouts)
        assert drawn or read, f"step {index + 1}: A is named but neither drawn nor read out"
