"""USB HID scanners read directly from a Linux input device, so no window needs focus."""

from __future__ import annotations

import select
from typing import Any

from hardware.scanning.base import ScanCallback, Scanner, ScannerError

try:  # evdev is Linux-only and optional; everything else works without it.
    import evdev
except ImportError:  # pragma: no cover - depends on the machine
    evdev = None

# US layout, which is what scanners are normally programmed to emulate.
_PLAIN = dict(zip(
    [f"KEY_{c}" for c in "1234567890"] + [f"KEY_{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    list("1234567890") + list("abcdefghijklmnopqrstuvwxyz"), strict=True,
))  # fmt: skip
_PLAIN.update({"KEY_MINUS": "-", "KEY_EQUAL": "=", "KEY_SLASH": "/", "KEY_DOT": ".",
               "KEY_COMMA": ",", "KEY_SEMICOLON": ";", "KEY_SPACE": " "})  # fmt: skip
_SHIFTED = {k: v.upper() for k, v in _PLAIN.items() if v.isalpha()}
_SHIFTED.update({"KEY_SEMICOLON": ":", "KEY_SLASH": "?", "KEY_MINUS": "_", "KEY_EQUAL": "+",
                 "KEY_1": "!", "KEY_2": "@", "KEY_3": "#", "KEY_4": "$", "KEY_5": "%",
                 "KEY_6": "^", "KEY_7": "&", "KEY_8": "*"})  # fmt: skip
_SHIFT_KEYS = {"KEY_LEFTSHIFT", "KEY_RIGHTSHIFT"}
_ENTER_KEYS = {"KEY_ENTER", "KEY_KPENTER"}


def evdev_available() -> bool:
    """Whether the optional `evdev` package is importable here."""
    return evdev is not None


class KeyDecoder:
    """Turns key names with up/down values into text, completing a code on Enter."""

    def __init__(self) -> None:
        self.shift = False
        self.chars: list[str] = []

    def feed(self, key: str, value: int) -> str | None:
        """Take one key event (value 1 down, 0 up, 2 repeat); returns a code on Enter."""
        if key in _SHIFT_KEYS:
            self.shift = value != 0
            return None
        if value != 1:
            return None
        if key in _ENTER_KEYS:
            code, self.chars = "".join(self.chars), []
            return code
        char = (_SHIFTED if self.shift else _PLAIN).get(key)
        if char is not None:
            self.chars.append(char)
        return None


class EvdevScanner(Scanner):
    """Reads a scanner's `/dev/input/event*` device, grabbing it so keys reach no other app."""

    def __init__(self, device_path: str, on_scan: ScanCallback, *, grab: bool = True) -> None:
        super().__init__(on_scan)
        self.device_path = device_path
        self.grab = grab
        self.device: Any = None
        self.decoder = KeyDecoder()

    def _open(self) -> None:
        if evdev is None:
            raise ScannerError("evdev scanners need the 'evdev' package (Linux only)")
        try:
            self.device = evdev.InputDevice(self.device_path)
            if self.grab:
                self.device.grab()
        except OSError as error:
            raise ScannerError(f"cannot open {self.device_path}: {error}") from error

    def _close(self) -> None:
        if self.device is not None:
            self.device.close()
            self.device = None

    def _run(self) -> None:
        assert evdev is not None and self.device is not None
        while not self._stop.is_set():
            # select with a time-out so stop() is noticed without closing the fd under us.
            ready, _, _ = select.select([self.device.fd], [], [], 0.1)
            if not ready:
                continue
            for event in self.device.read():
                if event.type != evdev.ecodes.EV_KEY:
                    continue
                name = evdev.ecodes.KEY.get(event.code)
                if isinstance(name, list):
                    name = name[0]
                code = self.decoder.feed(str(name), event.value)
                if code is not None:
                    self.emit(code)
