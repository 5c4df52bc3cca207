"""Touches right after a screen change are ignored, so a double tap cannot reach the next screen."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

# Why 500 ms: a double tap's second touch follows the first by 100–400 ms for most people
# (Android treats taps up to 300 ms apart as a double tap, Qt's default double-click interval is
# 400 ms, Windows' 500 ms, set that high for older and less steady hands). The reported ghost
# tickets came from taps 150 ms and 400 ms apart. A deliberate choice on a new screen takes a
# citizen well over half a second (reading the buttons), so 500 ms swallows the stray second touch
# without ever making a real touch feel ignored.
DEFAULT_GUARD_SECONDS = 0.5

GUARDED_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
    }
)


class TouchGuard(QObject):
    """Swallows touches and clicks inside one window for a short time after each screen change."""

    def __init__(
        self,
        window: QWidget,
        *,
        seconds: float = DEFAULT_GUARD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        if seconds < 0:
            raise ValueError("the touch guard cannot be negative")
        self.window = window
        self.seconds = seconds
        self.clock = clock
        self._until = float("-inf")
        self.swallowed = 0

    def arm(self) -> None:
        """A new screen is showing: ignore touches for the guard time from now."""
        self._until = self.clock() + self.seconds

    @property
    def active(self) -> bool:
        """Whether touches are being ignored right now."""
        return self.clock() < self._until

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Drop a touch on any widget of the window while the guard is up."""
        if event.type() not in GUARDED_EVENTS or not self.active:
            return False
        if isinstance(watched, QWidget) and (watched is self.window or self.window.isAncestorOf(watched)):
            self.swallowed += 1
            return True
        return False
