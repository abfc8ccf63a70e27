"""A serving load in words, as the slider, the knee sentence and the cards say it."""

import pytest

from explorer.core.text.load_words import load_words


@pytest.mark.parametrize(("kind", "load", "words"), [
    ("concurrency", 1.0, "1 client"), ("concurrency", 2.0, "2 clients"), ("concurrency", 1200.0, "1,200 clients"),
    ("rate", 5.5, "5.5 requests/s"), ("rate", 11.46, "11.5 requests/s"), ("rate", 0.25, "0.25 requests/s"),
])
def test_load_words(kind, load, words):
    assert load_words(kind, load) == words
