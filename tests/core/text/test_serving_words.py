"""The serving model in words, as the slider, the knee sentence, the cards and `serve` say it."""

import pytest

from explorer.core.text.serving_words import limit_words, load_words


@pytest.mark.parametrize(("kind", "load", "words"), [
    ("concurrency", 1.0, "1 client"), ("concurrency", 2.0, "2 clients"), ("concurrency", 1200.0, "1,200 clients"),
    ("rate", 5.5, "5.5 requests/s"), ("rate", 11.46, "11.5 requests/s"), ("rate", 0.25, "0.25 requests/s"),
    ("rate", 1500.0, "1,500 requests/s"), ("rate", 123_456.0, "123,000 requests/s"), ("rate", 11.0, "11 requests/s"),
    ("rate", float("inf"), "unbounded"),
])
def test_load_words(kind, load, words):
    assert load_words(kind, load) == words


def test_limits_in_words():
    assert limit_words("kv_capacity") == "KV-cache capacity"
    assert limit_words("running_limit") == "running-request limit"
    assert limit_words("something new") == "something new"
