"""How long a client waits before trying again: exponential, jittered, and what the server asks for."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

FIRST_SECONDS = 0.5
LONGEST_SECONDS = 30.0


class Backoff:
    """Full-jitter exponential back-off, so clients that lost the server together do not return together."""

    def __init__(self, first: float = FIRST_SECONDS, longest: float = LONGEST_SECONDS) -> None:
        self.first, self._longest, self.attempt = first, longest, 0

    def reset(self) -> None:
        """Connected: the next failure starts again from the shortest wait."""
        self.attempt = 0

    def next(self) -> float:
        """The wait before the next attempt."""
        ceiling = min(self._longest, self.first * 2**self.attempt)
        self.attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def longest(self) -> float:
        """The longest wait, jittered: for refusals that only a person can fix."""
        return random.uniform(self._longest / 2, self._longest)


def retry_after(header: str | None, *, longest: float = 300.0) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None without a usable one."""
    if not header:
        return None
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(text) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    # A little jitter on top, so a crowd told the same time does not return in the same instant.
    return min(max(seconds, 0.0), longest) + random.uniform(0, 1)
