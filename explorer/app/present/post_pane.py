"""'Treat this post as input': paste any text, see its token count from a real BPE tokenizer
and what that many tokens cost the current model (every number from ``core.tokens``)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from ...core.features.tokens import OTHER_TOKENIZERS, count_tokens, describe
from ..store import ScenarioStore
from ..theme import themed

PROMPT = ("Paste a text here — the essay suggests pasting the essay itself — and see how many tokens it is "
          "and what reading it costs the current model.")
DEBOUNCE_MS = 150  # count after typing pauses, not on every key


class PostPane(QWidget):
    def __init__(self, store: ScenarioStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PostPane")
        self.store = store
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(PROMPT)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        themed(self.headline, "title", 13)
        self.tokenizer_note = QLabel()
        self.tokenizer_note.setWordWrap(True)
        themed(self.tokenizer_note, "note", 9)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.value_labels: dict[str, QLabel] = {}
        right = QVBoxLayout()
        right.addWidget(self.headline)
        right.addLayout(self.grid)
        right.addStretch(1)
        right.addWidget(self.tokenizer_note)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.editor, 3)
        lay.addLayout(right, 2)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self.editor.textChanged.connect(self.timer.start)
        store.changed.connect(self._on_store)
        self.count = None
        self.refresh()

    def _on_store(self, _what: frozenset) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.refresh()

    def refresh(self) -> None:
        self.timer.stop()
        s = self.store.scenario
        text = self.editor.toPlainText()
        if not text:  # nothing to count: do not load the tokenizer yet
            self.count = None
            self.headline.setText("No text yet")
            self.tokenizer_note.setText("")
            self._show_rows([])
            return
        c = self.count = count_tokens(text)
        kind = "tokens" if c.exact else "tokens (estimated)"
        self.headline.setText(f"{c.tokens:,} {kind} · {len(text):,} characters")
        others = "; ".join(f"{name}: {diff:+.0%}" for name, diff in OTHER_TOKENIZERS)
        note = (f"Counted with {c.tokenizer}. {s.model.name}'s own tokenizer will differ: on the essay, {others}."
                if c.exact else f"{c.note}. Counted by {c.tokenizer}.")
        self.tokenizer_note.setText(note)
        self._show_rows(describe(self.store.results.post_cost(c.tokens), s))

    def _show_rows(self, rows: list[tuple[str, str, str]]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.value_labels = {}
        for i, (what, value, how) in enumerate(rows):
            name, val, note = QLabel(what), QLabel(f"<b>{value}</b>"), QLabel(how)
            note.setWordWrap(True)
            themed(note, "note", 9)
            self.grid.addWidget(name, i, 0)
            self.grid.addWidget(val, i, 1)
            self.grid.addWidget(note, i, 2)
            self.value_labels[what] = val
        self.grid.setColumnStretch(2, 1)
