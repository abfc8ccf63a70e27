"""What a step shows besides the state: the caption bar (title, caption, n/N), a highlight frame
around one plot or readout, one plot shown alone (double-click a plot, or a step's ``solo``),
and the blank screen (B in presenter mode)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import theme


class CaptionBar(QWidget):
    """Under the plots while a tour is open: the step's title and caption, n/N, and buttons."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CaptionBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel()
        self.caption = QLabel()
        for label in (self.title, self.caption):  # a tour file's text: shown as written, never as markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counter = QLabel()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.play_button = QPushButton("Play")
        self.close_button = QPushButton("✕")
        for b, tip in ((self.prev_button, "Previous step (←, PageUp, Backspace)"),
                       (self.next_button, "Next step (→, PageDown, Space)"),
                       (self.play_button, "Sweep this step's parameter while every view follows"),
                       (self.close_button, "Close the tour")):
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the presenter
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.caption)
        side = QVBoxLayout()
        side.addWidget(self.counter)
        buttons = QHBoxLayout()
        for b in (self.prev_button, self.next_button, self.play_button, self.close_button):
            buttons.addWidget(b)
        side.addLayout(buttons)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addLayout(text, 1)
        lay.addLayout(side)
        self.restyle()

    def restyle(self) -> None:
        t = theme.current()
        self.setStyleSheet(f"#CaptionBar {{ background: {t.background}; border-top: 2px solid {t.colour('orange')}; }}")
        self.title.setStyleSheet(t.style(11.5, t.text) + " font-weight: bold;")
        self.caption.setStyleSheet(t.style(10.5, t.text))
        self.counter.setStyleSheet(t.style(10.5, t.muted))

    def show_step(self, index: int, count: int, step) -> None:
        self.title.setText(step.title)
        self.caption.setText(step.caption)
        self.counter.setText(f"{index + 1} / {count}")
        self.play_button.setVisible(step.play is not None)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)


class Highlight(QFrame):
    """A coloured frame over one widget (mouse goes through); follows the widget's size."""

    def __init__(self, target: QWidget):
        super().__init__(target)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setObjectName("Highlight")
        width = max(3, round(theme.current().width(3)))
        self.setStyleSheet(f"#Highlight {{ border: {width}px solid {theme.current().colour('vermillion')}; "
                           "background: transparent; }")
        self.target = target
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.show()
        self.raise_()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        return False

    def remove(self) -> None:
        self.target.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class Focus(QObject):
    """Highlight and 'show alone' for a MainWindow's plots and readouts."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.highlight: Highlight | None = None
        self.highlighted: str | None = None
        self.solo: str | None = None
        for key, card in window.plots.items():
            card.plot.scene().sigMouseClicked.connect(partial(self._clicked, key))

    def _clicked(self, key: str, event) -> None:
        if event.double():
            self.show_alone(None if self.solo == key else key)

    def show_alone(self, key: str | None) -> None:
        """Show one plot alone, large (None: all four again)."""
        self.solo = key
        for k, card in self.window.plots.items():
            card.setVisible(key is None or k == key)
        grid = next(iter(self.window.plots.values())).parentWidget().layout()
        if hasattr(grid, "getItemPosition"):  # empty rows and columns must not keep their share
            shown = self.window.plots.get(key)
            row, col = grid.getItemPosition(grid.indexOf(shown))[:2] if shown is not None else (None, None)
            for i in range(grid.rowCount()):
                grid.setRowStretch(i, 1 if row is None or i == row else 0)
            for i in range(grid.columnCount()):
                grid.setColumnStretch(i, 1 if col is None or i == col else 0)

    def target(self, key: str | None) -> QWidget | None:
        if key is None:
            return None
        if key in self.window.plots:
            return self.window.plots[key]
        pane = self.window.readouts.values.get(key)
        return pane

    def set_highlight(self, key: str | None) -> None:
        if self.highlight is not None:
            self.highlight.remove()
            self.highlight = None
        self.highlighted = key
        target = self.target(key)
        if target is not None:
            self.highlight = Highlight(target)


class Blank(QWidget):
    """A black screen over the whole window (B in presenter mode, as slide software does)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("Blank")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#Blank { background: black; }")
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.setGeometry(self.parentWidget().rect())
            self.show()
            self.raise_()
