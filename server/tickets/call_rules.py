"""Whom a counter calls next, as a pure rule: it sees the heads of the lines a counter serves and orders them.

The router (server.tickets.routing) applies it to the heads it reads from the database; the forecast's
replay (server.forecast.replay) applies it to imagined lines, so both call in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from server.tickets.scoring import PREFERENCE_YIELDS_AT, urgency_score

T = TypeVar("T")


@dataclass(frozen=True)
class LineHead(Generic[T]):
    """The head of one line as the call rule sees it; `item` is whatever the caller wants back."""

    item: T
    waited_minutes: float
    target_minutes: int
    rank: int  # the service's place in the counter's order of preference
    express: bool = False  # an express service (a quick matter)
    appointment: bool = False
    # Another counter serving right now serves this line too; if not, nobody else will take it.
    elsewhere: bool = True
    # Minutes of quick work the serving express counters have before they reach this head (each).
    express_ahead_minutes: float = 0.0

    @property
    def share(self) -> float:
        """Waited time as a share of the service's target wait."""
        return max(self.waited_minutes, 0.0) / max(self.target_minutes, 1)

    @property
    def share_when_reached(self) -> float:
        """The share of its target it will have waited once the express counters could reach it."""
        return (max(self.waited_minutes, 0.0) + self.express_ahead_minutes) / max(self.target_minutes, 1)


def head_score(head: LineHead[T], *, yields: bool = True) -> float:
    """`urgency_score` of a line head."""
    return urgency_score(
        waited_seconds=head.waited_minutes * 60, target_minutes=head.target_minutes, rank=head.rank,
        appointment=head.appointment, yields=yields,
    )


def call_key(*, express: bool, share_when_reached: float, score: float) -> tuple[bool, float]:
    """How an ordinary counter ranks a line head (higher first): quick matters about to miss, then urgency.

    `share_when_reached` is the share of its target a quick matter will have waited once the express
    counters could call it; past `PREFERENCE_YIELDS_AT` the ordinary counter takes it first.
    """
    return (express and share_when_reached >= PREFERENCE_YIELDS_AT, score)


def call_order(
    heads: Sequence[LineHead[T]],
    *,
    express_counter: bool,
    takes_others_at: float = PREFERENCE_YIELDS_AT,
    quick_due: Callable[[LineHead[T]], bool] = lambda _: False,
) -> list[LineHead[T]]:
    """The heads a counter may call now, the one to call first.

    An ordinary counter calls by urgency, except that a quick matter which will have waited
    `PREFERENCE_YIELDS_AT` of its target before the express counters can reach it goes first.
    An express counter calls quick matters while any waits; other matters only when none does and
    either the oldest has waited `takes_others_at` of its target or `quick_due(head)` says no quick
    citizen is due while serving it. A line no other serving counter takes competes by urgency
    once past that share even while quick matters wait, so it never starves.
    """
    if not express_counter:
        return sorted(
            heads,
            key=lambda h: call_key(express=h.express, share_when_reached=h.share_when_reached, score=head_score(h)),
            reverse=True,
        )
    quick = [h for h in heads if h.express]
    others = [h for h in heads if not h.express]
    if quick:
        # Lines the ordinary counters also serve wait for them: an express counter overtaken by ten-minute
        # matters whenever they pile up would miss every quick target of a busy morning.
        pool = quick + [h for h in others if not h.elsewhere and h.share >= takes_others_at]
        # Among quick matters it keeps its order of preference where ordinary counters step in (they take
        # a quick line about to miss); a line nobody else serves yields near its target like everywhere.
        return sorted(pool, key=lambda h: head_score(h, yields=not (h.express and h.elsewhere)), reverse=True)
    ranked = sorted(others, key=head_score, reverse=True)
    urgent = [h for h in ranked if h.share >= takes_others_at]
    if urgent or not ranked:
        return urgent
    return [] if quick_due(ranked[0]) else [ranked[0]]
