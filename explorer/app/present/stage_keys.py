"""The keys of presenter mode (what a clicker and a speaker press):

* PageDown, →, ↓, Space: next step; PageUp, ←, ↑, Backspace: previous — while the screen is
  blanked, the first step key only brings the stage back;
* Home / End: first / last step; a number then Enter: that step;
* P: play or pause the step's sweep; B or .: blank; N: the speaker's notes over the stage;
  ?: these keys; Esc: closes the key list or the notes, else leaves presenter mode.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QMessageBox

K = Qt.Key
NEXT_KEYS = (K.Key_Right, K.Key_PageDown, K.Key_Space, K.Key_Down)
PREV_KEYS = (K.Key_Left, K.Key_PageUp, K.Key_Backspace, K.Key_Up)
DIGITS = {getattr(K, f"Key_{d}"): d for d in range(10)}
OUR_KEYS = (*NEXT_KEYS, *PREV_KEYS, K.Key_Home, K.Key_End, K.Key_B, K.Key_Period, K.Key_Escape, K.Key_P,
            K.Key_N, K.Key_Question, K.Key_Return, K.Key_Enter, *DIGITS)

KEY_HELP = (
    ("PageDown  →  ↓  Space", "next step"),
    ("PageUp  ←  ↑  Backspace", "previous step"),
    ("Home / End", "first / last step"),
    ("a number, then Enter", "go to that step"),
    ("P", "play / pause the step's sweep"),
    ("B  or  .", "blank the screen (any step key brings it back)"),
    ("N", "speaker notes over the stage"),
    ("?", "this list"),
    ("Esc", "leave presenter mode"),
)


def key_help_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{w}</td></tr>" for k, w in KEY_HELP)
    return f"<table>{rows}</table>"


class StageKeys:
    def __init__(self, presenter):
        self.p = presenter
        self.typed = ""  # digits typed before Enter
        self.help_box: QMessageBox | None = None

    def handle(self, event) -> bool:
        """True when the key was ours (the event filter then eats it)."""
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if key == K.Key_Question or event.text() == "?":
            key = K.Key_Question
        if event.type() == QEvent.Type.ShortcutOverride:  # our keys win over any widget's shortcut (Space)
            if key in OUR_KEYS:
                event.accept()
                return True
            return False
        return self.press(key)

    def press(self, key) -> bool:
        p = self.p
        player = p.player
        if key in DIGITS:
            self.typed = (self.typed + str(DIGITS[key]))[-3:]
            return True
        if key in (K.Key_Return, K.Key_Enter):
            if self.typed and player is not None:
                self._unblank()
                player.go(int(self.typed) - 1)
            self.typed = ""
            return True
        self.typed = ""
        if key in NEXT_KEYS or key in PREV_KEYS or key in (K.Key_Home, K.Key_End):
            if self._unblank():
                return True  # the first step key only brings the stage back
            if key in NEXT_KEYS:
                p.next()
            elif key in PREV_KEYS:
                p.previous()
            elif player is not None:
                player.go(0 if key == K.Key_Home else len(player) - 1)
        elif key in (K.Key_B, K.Key_Period):
            p.blank.toggle()
        elif key == K.Key_P:
            p.play_pause()
        elif key == K.Key_N:
            p.stage.toggle_notes()
        elif key == K.Key_Question:
            self.show_help()
        elif key == K.Key_Escape:
            if self.help_box is not None and self.help_box.isVisible():
                self.help_box.hide()
            elif p.stage.notes.isVisible():
                p.stage.toggle_notes()
            else:
                p.leave()
        else:
            return False
        return True

    def _unblank(self) -> bool:
        if self.p.blank.isVisible():
            self.p.blank.toggle()
            return True
        return False

    def show_help(self) -> None:
        """The keys, in a box that does not stop the talk (closes with Esc or ?)."""
        if self.help_box is None:
            box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", key_help_html(),
                              QMessageBox.StandardButton.Close, self.p.window)
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setModal(False)
            self.help_box = box
        if self.help_box.isVisible():
            self.help_box.hide()
        else:
            self.help_box.show()
