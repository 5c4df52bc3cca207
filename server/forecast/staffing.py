"""The staffing a recent same weekday showed: when counters took their breaks and when they left for the day.

Clerks rarely announce an early leave, and a break is known only once it starts; but rosters repeat by
weekday, so the forecast expects what the same weekday showed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# A counter that stopped this close to closing time just closed with the office: no early leave.
CLOSING_MARGIN_MINUTES = 30.0


@dataclass(frozen=True)
class CounterChange:
    """One state change of a counter on the reference day, at a minute of the local day."""

    counter_id: str
    minute: float
    stopped: bool  # paused without a known end, or closed: the counter takes nobody until it reopens
    resumes: float | None = None  # a break: the minute of the day it was to end


@dataclass(frozen=True)
class Staffing:
    """Per counter, the minute of the day it left for good and its breaks (start, end), in minutes of the day."""

    leaves: dict[str, float] = field(default_factory=dict)
    breaks: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def staffing_of(changes: Iterable[CounterChange], *, closes: float) -> Staffing:
    """What the reference day showed: early leaves and breaks with a known length.

    Only a counter that served that day and whose last change of the day (before closing) stopped it
    left early; a pause with a known end is a break.
    """
    stopped_since: dict[str, float | None] = {}  # since when each counter has been stopped, if it is
    served: set[str] = set()
    breaks: dict[str, list[tuple[float, float]]] = {}
    for change in sorted(changes, key=lambda c: c.minute):
        if change.stopped:
            # A paused counter later closed (its clerk's session ended) left when it paused.
            since = stopped_since.get(change.counter_id)
            stopped_since[change.counter_id] = change.minute if since is None else since
            continue
        stopped_since[change.counter_id] = None
        if change.resumes is not None and change.resumes > change.minute:
            breaks.setdefault(change.counter_id, []).append((change.minute, change.resumes))
        else:
            served.add(change.counter_id)
    leaves = {
        counter_id: since
        for counter_id, since in stopped_since.items()
        if since is not None and counter_id in served and since < closes - CLOSING_MARGIN_MINUTES
    }
    return Staffing(leaves=leaves, breaks={c: b for c, b in breaks.items() if c in served})


def departures(changes: Iterable[CounterChange], *, closes: float) -> dict[str, float]:
    """Per counter the minute of the day it stopped for good, if that was well before closing."""
    return staffing_of(changes, closes=closes).leaves
