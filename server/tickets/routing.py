"""Choosing whom a counter calls next: longest relative wait across the services it serves, appointments ahead.

The rule itself is pure (`LineHead`, `call_key`, `call_order`): it sees the heads of the lines a counter
serves and orders them, so the forecast can replay it without a database. The rest of the module reads
those heads from the database and claims the chosen ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import update
from sqlmodel import Session, col, select

from server.counters.lookup import counter_services
from server.counters.models import Counter, CounterService
from server.counters.serving import chosen_services, serving_clause
from server.sites.lookup import queue_order
from server.sites.models import Service, Site
from server.tickets.express import quick_due_check, quick_work_ahead
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.scoring import PREFERENCE_YIELDS_AT, urgency_score

MAX_CLAIM_ATTEMPTS = 20

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


@dataclass(frozen=True)
class Candidate:
    """The head of one line in the database: the ticket and its service."""

    ticket: Ticket
    service: Service


def served_elsewhere(*, session: Session, counter: Counter, services: Sequence[Service]) -> set[int]:
    """Pks of the services another counter of the site serving right now serves today too."""
    keys = {s.pk: s.key for s in services if s.pk is not None}
    rows = session.exec(
        select(Counter, CounterService.service_pk)
        .join(CounterService, col(CounterService.counter_id) == Counter.id)
        .where(
            Counter.site_id == counter.site_id,
            Counter.id != counter.id,
            serving_clause(),
            col(CounterService.service_pk).in_(list(keys)),
        )
    ).all()
    found: set[int] = set()
    for other, service_pk in rows:
        chosen = chosen_services(other)
        if not chosen or keys[service_pk] in chosen:
            found.add(service_pk)
    return found


def candidates(*, session: Session, counter: Counter, now: datetime) -> list[LineHead[Candidate]]:
    """The heads of every line this counter serves (appointments and walk-ins apart), unordered."""
    served = counter_services(session=session, counter=counter)
    # Only an express counter asks who else serves a line (to keep its quick matters first safely).
    services = [service for service, _ in served]
    elsewhere = served_elsewhere(session=session, counter=counter, services=services) if counter.express else set()
    # An ordinary counter serving a quick matter asks how much quick work the express counters have first.
    serves_quick = not counter.express and any(s.express for s in services)
    ahead = quick_work_ahead(session=session, site_id=counter.site_id) if serves_quick else None
    heads: list[LineHead[Candidate]] = []
    for service, rank in served:
        for appointments in (True, False):
            head = session.exec(
                select(Ticket)
                .where(
                    Ticket.site_id == counter.site_id,
                    Ticket.service_pk == service.pk,
                    Ticket.status == TicketStatus.waiting,
                    col(Ticket.priority) > 0 if appointments else col(Ticket.priority) <= 0,
                )
                .order_by(*queue_order())  # type: ignore[arg-type]
                .limit(1)
            ).first()
            if head is not None:
                heads.append(LineHead(
                    item=Candidate(head, service),
                    waited_minutes=(now - head.queued_at).total_seconds() / 60,
                    target_minutes=service.target_wait_minutes,
                    rank=rank,
                    express=service.express,
                    appointment=head.priority > 0,
                    elsewhere=not counter.express or service.pk in elsewhere,
                    express_ahead_minutes=ahead(head.queued_at) if ahead and service.express else 0.0,
                ))
    return heads


def claim(*, session: Session, ticket: Ticket, counter: Counter, now: datetime) -> bool:
    """Mark a waiting ticket as called by this counter unless another counter got it first."""
    result = session.execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == TicketStatus.waiting)
        .values(status=TicketStatus.called, counter_id=counter.id, called_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(ticket)
    return True


def claim_next(*, session: Session, counter: Counter, now: datetime) -> Ticket | None:
    """Claim the most urgent waiting ticket for a counter, or None if nobody waits.

    Only chooses and claims: the command that calls it runs the appointment sweep first.
    """
    express = [s for s, _ in counter_services(session=session, counter=counter) if s.express] if counter.express else []
    # An express counter serving no express matter today is an ordinary counter.
    site = session.get(Site, counter.site_id) if express else None
    due = quick_due_check(session=session, site=site, express=express, now=now) if site is not None else None
    for _ in range(MAX_CLAIM_ATTEMPTS):
        heads = candidates(session=session, counter=counter, now=now)
        if site is None or due is None:
            ranked = call_order(heads, express_counter=False)
        else:
            ranked = call_order(
                heads, express_counter=True, takes_others_at=site.express_takes_others_at,
                quick_due=lambda head: due(head.item.service),
            )
        if not ranked:
            return None
        ticket = ranked[0].item.ticket
        if claim(session=session, ticket=ticket, counter=counter, now=now):
            return ticket
    return None
