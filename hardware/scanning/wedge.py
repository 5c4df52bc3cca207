"""Keyboard-wedge scanners type like a keyboard; tell their fast bursts from a person typing."""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.scanning.base import ScanCallback, Scanner

ENTER = ("\r", "\n")


@dataclass
class WedgeDetector:
    """Pure logic, fed with (character, timestamp in seconds) from any key event source.

    A scan is at least `min_length` characters, each within `max_gap` seconds of the previous
    one, ending in Enter. People rarely type faster than 60 ms per key; scanners send a
    character every few milliseconds.
    """

    max_gap: float = 0.035
    min_length: int = 4
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def feed(self, char: str, at: float) -> str | None:
        """Take one key; returns the scanned code when a burst ends in Enter, else None."""
        slow = self._last is not None and at - self._last > self.max_gap
        self._last = at
        if char in ENTER:
            code = "".join(self._chars)
            self._chars.clear()
            if not slow and len(code) >= self.min_length:
                return code
            return None
        if slow:
            # A pause means a person is typing (or a new burst starts): begin again here.
            self._chars.clear()
        self._chars.append(char)
        return None

    @property
    def pending(self) -> str:
        """The characters of the burst collected so far."""
        return "".join(self._chars)

    def reset(self) -> None:
        """Forget the current burst (e.g. when focus moves)."""
        self._chars.clear()
        self._last = None


class WedgeScanner(Scanner):
    """A Scanner fed by an app's key events (Qt `keyPressEvent`), using `WedgeDetector`."""

    def __init__(self, on_scan: ScanCallback, *, detector: WedgeDetector | None = None) -> None:
        super().__init__(on_scan)
        self.detector = detector or WedgeDetector()

    def feed_key(self, char: str, at: float) -> bool:
        """Feed one key press; True when it completed a scan (which was delivered)."""
        code = self.detector.feed(char, at)
        if code is None:
            return False
        self.emit(code)
        return True

    def start(self) -> None:
        """Nothing to start: the app's event loop delivers the keys."""

    def stop(self, timeout: float | None = 5.0) -> None:
        """Forget any half-read burst."""
        self.detector.reset()

    def _run(self) -> None:  # pragma: no cover - never started as a thread
        """Unused: keys arrive through `feed_key`."""
