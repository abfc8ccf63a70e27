"""'This post as input': typing text counts tokens and shows what they cost the current model."""

from explorer.app.main_window import TAB_KEYS
from explorer.core.specs import presets


def test_pasting_text_counts_tokens_and_follows_the_model(make_window, qtbot):
    w = make_window()
    w.tabs.setCurrentIndex(TAB_KEYS.index("post"))  # the tab clicked
    pane = w.post
    text = "tiktoken is great! " * 100  # 6 tokens the first time, then " tiktoken is great!" ...
    pane.editor.setPlainText(text)
    qtbot.waitUntil(lambda: pane.count is not None)
    n = pane.count.tokens
    assert pane.count.exact and 500 < n < 700
    assert f"{n:,} tokens" in pane.headline.text()
    # Llama 2 7B: n² per head, × 32 heads, × 32 layers (hand arithmetic, formatted as the pane does).
    from explorer.core.physics.units import count

    assert pane.value_labels["relationships per head"].text() == f"<b>{count(n * n)}</b>"
    assert pane.value_labels["× layers"].text() == f"<b>{count(32 * 32 * n * n)}</b>"
    assert "differ" in pane.tokenizer_note.text()
    # A bigger model: the pane follows the store.
    w.store.update(model=presets.model("llama-2-70b"))
    w.store.flush()
    assert pane.value_labels["× layers"].text() == f"<b>{count(80 * 64 * n * n)}</b>"


def test_an_empty_pane_loads_no_tokenizer(make_window):
    w = make_window()
    w.tabs.setCurrentIndex(TAB_KEYS.index("post"))  # the tab clicked
    assert w.post.count is None and w.post.headline.text() == "No text yet"
