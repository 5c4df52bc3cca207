"""Real key presses to the guide's keys: a USB numeric keypad (with or without Num Lock) and arrows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from kiosk_app.core import KioskCore
from kiosk_app.speech_mode.guide import Key, SpeechGuide

K = Qt.Key
_DIGITS = {getattr(K, f"Key_{n}"): str(n) for n in range(10)}
# With Num Lock off the keypad sends navigation keys; the tactile 5 sends Clear.
_NUMLOCK_OFF = {
    K.Key_Insert: "0", K.Key_End: "1", K.Key_Down: "2", K.Key_PageDown: "3", K.Key_Left: "4",
    K.Key_Clear: "5", K.Key_Right: "6", K.Key_Home: "7", K.Key_Up: "8", K.Key_PageUp: "9",
}
_KEYPAD = {
    K.Key_Plus: Key.LOUDER, K.Key_Minus: Key.QUIETER, K.Key_Asterisk: Key.CURTAIN,
    K.Key_Comma: Key.BACK, K.Key_Period: Key.BACK, K.Key_Delete: Key.BACK, K.Key_Slash: Key.BACK,
    K.Key_Enter: Key.ENTER,
}
_ARROWS = {
    K.Key_Up: Key.UP, K.Key_Down: Key.DOWN, K.Key_Left: Key.BACK, K.Key_Right: Key.REPEAT,
    K.Key_Escape: Key.BACK, K.Key_Backspace: Key.BACK,
}


def guide_key(event: QKeyEvent, start_key: QKeySequence | None = None) -> str | None:
    """The guide's key for a key press, or None for keys it leaves alone (e.g. a wedge scanner's)."""
    key = K(event.key())
    if start_key is not None and not start_key.isEmpty():
        pressed = QKeySequence(event.keyCombination())
        if pressed.matches(start_key) == QKeySequence.SequenceMatch.ExactMatch:
            return Key.START
    if event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
        return _DIGITS.get(key) or _NUMLOCK_OFF.get(key) or _KEYPAD.get(key)
    return _ARROWS.get(key)


class GuideKeys(QObject):
    """Event filter on the kiosk window: keys the guide wants go to it, all others pass on."""

    def __init__(
        self, guide: SpeechGuide, core: KioskCore, *, start_key: str = "", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.guide = guide
        self.core = core
        self.start_key = QKeySequence(start_key) if start_key else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hand a key press to the guide; True when it used it."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() in (K.Key_Return, K.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
            # A wedge scanner ends each scan with Return: that one is the scanner's.
            if self.core.feed_key("\r", event.timestamp() / 1000):
                return True
            return self.guide.active and self.guide.handle(Key.ENTER)
        key = guide_key(event, self.start_key)
        return key is not None and self.guide.handle(key)
