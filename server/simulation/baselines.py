"""The textbook wait predictors Aufruf is measured against, from what the simulation sees of each line.

* Queue length: people ahead × mean service time ÷ open counters serving the line — what most systems show.
* LES (last to enter service): the wait of the citizen of this line most recently called.
* HOL (head of line): how long the citizen at the front of this line has waited so far.

LES and HOL are the delay-history predictors of Ibrahim & Whitt (Operations Research 57(2), 2009;
59(5), 2011). Their ranges come from their own empirical error quantiles (see report.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

BASELINES = ("queue_length", "les", "hol")


class LineWatch:
    """Per-line history the baselines need: who waits since when, the last wait to end, mean service times."""

    def __init__(self, typical_minutes: dict[str, float]) -> None:
        self.typical = typical_minutes
        self.waiting: dict[str, dict[str, datetime]] = defaultdict(dict)  # line -> token -> joined
        self.line_of: dict[str, str] = {}
        self.last_wait: dict[str, float] = {}
        self.called_at: dict[str, tuple[str, datetime]] = {}  # token -> (line, call moment)
        self.durations: dict[str, list[float]] = defaultdict(list)

    def new_day(self) -> None:
        """Lines start empty each morning; service times are kept as history."""
        self.waiting.clear()
        self.line_of.clear()
        self.last_wait.clear()
        self.called_at.clear()

    def joined(self, *, token: str, service: str, at: datetime) -> None:
        """A ticket joins a line (drawn, or transferred keeping its place)."""
        self.waiting[service][token] = at
        self.line_of[token] = service
        ended = self.called_at.pop(token, None)
        if ended is not None:  # back from a counter: that occupation ended now
            self.durations[ended[0]].append((at - ended[1]).total_seconds() / 60)

    def called(self, *, token: str, service: str, at: datetime) -> None:
        """A ticket is called: its wait is the line's latest completed wait."""
        joined = self.waiting[service].pop(token, None)
        if joined is not None:
            self.last_wait[service] = (at - joined).total_seconds() / 60
        self.called_at[token] = (service, at)

    def finished(self, *, token: str, at: datetime) -> None:
        """The occupation of a counter by this ticket ended."""
        ended = self.called_at.pop(token, None)
        if ended is not None:
            self.durations[ended[0]].append((at - ended[1]).total_seconds() / 60)

    def left(self, *, token: str) -> None:
        """A citizen gave up waiting."""
        line = self.line_of.get(token)
        if line is not None:
            self.waiting[line].pop(token, None)

    def mean_service(self, service: str) -> float:
        """Mean of the last observed occupations of a line, the configured typical time before any."""
        recent = self.durations[service][-40:]
        return sum(recent) / len(recent) if recent else self.typical.get(service, 8.0)

    def predict(
        self, *, service: str, ahead: int, now: datetime, open_desks: list[list[str]]
    ) -> dict[str, float]:
        """Each baseline's predicted wait (minutes) for a ticket drawn now."""
        counters = sum(1 for services in open_desks if service in services)
        queue_length = ahead * self.mean_service(service) / max(counters, 1)
        heads = self.waiting[service].values()
        hol = max(((now - joined).total_seconds() / 60 for joined in heads), default=0.0)
        return {"queue_length": queue_length, "les": self.last_wait.get(service, 0.0), "hol": hol}
