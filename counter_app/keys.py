"""The counter app's buttons and their keyboard shortcuts, in one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """One action button: its id, label key and shortcut."""

    action: str
    label: str
    shortcut: str


# Function keys, so they work while the number field (and a scanner typing into it) has focus.
KEYS: tuple[Key, ...] = (
    Key("call_next", "button_call_next", "F2"),
    Key("recall", "button_recall", "F3"),
    Key("start", "button_start", "F4"),
    Key("finish", "button_finish", "F5"),
    Key("no_show", "button_no_show", "F6"),
    Key("park", "button_park", "F7"),
    Key("transfer", "button_transfer", "F8"),
    Key("call_number", "button_call_number", "F9"),
    Key("pause", "button_pause", "F10"),
    Key("undo", "button_undo", "F11"),
    # A deliberate chord: the alarm must not go off by a slip of one key.
    Key("alarm", "button_alarm", "Ctrl+Alt+A"),
    # Chords as well: leaving the counter is never one slip away.
    Key("close_counter", "button_close_counter", "Ctrl+Shift+S"),
    Key("logout", "button_logout", "Ctrl+Shift+L"),
)
SHORTCUTS = {key.action: key.shortcut for key in KEYS}
