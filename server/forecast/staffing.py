"""When counters leave for the day, as a recent same weekday showed: a clerk's early leave is rarely announced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A counter that stopped this close to closing time just closed with the office: no early leave.
CLOSING_MARGIN_MINUTES = 30.0


@dataclass(frozen=True)
class CounterChange:
    """One state change of a counter on the reference day, at a minute of the local day."""

    counter_id: str
    minute: float
    stopped: bool  # paused without a known end, or closed: the counter takes nobody until it reopens


def departures(changes: Iterable[CounterChange], *, closes: float) -> dict[str, float]:
    """Per counter the minute of the day it stopped for good, if that was well before closing.

    Only a counter that served that day and whose last change of the day (before closing) stopped it
    counts; a break with a known end is no departure.
    """
    last: dict[str, CounterChange] = {}
    served: set[str] = set()
    for change in sorted(changes, key=lambda c: c.minute):
        last[change.counter_id] = change
        if not change.stopped:
            served.add(change.counter_id)
    return {
        counter_id: change.minute
        for counter_id, change in last.items()
        if change.stopped and counter_id in served and change.minute < closes - CLOSING_MARGIN_MINUTES
    }
