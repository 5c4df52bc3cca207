"""The server's notion of now: real time in production, a settable clock for simulations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from threading import Lock


class Clock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that only moves when told to; used by simulations and tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._lock = Lock()

    def now(self) -> datetime:
        """Return the clock's current reading."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward and return the new reading."""
        if delta < timedelta(0):
            raise ValueError("time never runs backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a later moment."""
        self.advance(moment.astimezone(UTC) - self.now())
