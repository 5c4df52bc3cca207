"""Choosing whom a counter calls next: longest relative wait across the services it serves, appointments ahead.

The rule itself is pure and lives in server.tickets.call_rules (`LineHead`, `call_key`, `call_order`), so the
forecast can replay it without a database. This module reads those heads from the database and claims the
chosen ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, union_all, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from server.counters.lookup import counter_services
from server.counters.models import Counter
from server.counters.serving import chosen_services, is_serving
from server.sites.lookup import counter_links, queue_order
from server.sites.models import Service, Site
from server.tickets.call_rules import LineHead, call_key, call_order, head_score
from server.tickets.express import quick_due_check, quick_work_ahead
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket

MAX_CLAIM_ATTEMPTS = 20
__all__ = ["LineHead", "call_key", "call_order", "claim_next", "head_score"]


@dataclass(frozen=True)
class Candidate:
    """The head of one line in the database: the ticket and its service."""

    ticket: Ticket
    service: Service


def served_elsewhere(*, session: Session, counter: Counter, services: Sequence[Service]) -> set[int]:
    """Pks of the services another counter of the site serving right now serves today too."""
    wanted = {s.pk for s in services if s.pk is not None}
    found: set[int] = set()
    for other, service_pk, key in counter_links(session=session, site_id=counter.site_id):
        if other.id == counter.id or service_pk not in wanted or not is_serving(other):
            continue
        chosen = chosen_services(other)
        if not chosen or key in chosen:
            found.add(service_pk)
    return found


@lru_cache(maxsize=64)
def _heads_statement(lines: int) -> SelectOfScalar[Ticket]:
    """Built once per number of lines: one indexed LIMIT 1 per line (appointments and walk-ins apart), UNION ALL."""
    firsts = [
        select(col(Ticket.id))
        .where(
            Ticket.site_id == bindparam("site_id"),
            Ticket.service_pk == bindparam(f"service_{line}"),
            Ticket.status == TicketStatus.waiting,
            col(Ticket.priority) > 0 if appointments else col(Ticket.priority) <= 0,
        )
        .order_by(*queue_order())  # type: ignore[arg-type]
        .limit(1)
        .subquery()
        for line in range(lines)
        for appointments in (True, False)
    ]
    return select(Ticket).where(col(Ticket.id).in_(union_all(*(select(first.c.id) for first in firsts))))


def line_heads(
    *, session: Session, site_id: str, services: Sequence[Service]
) -> dict[tuple[int | None, bool], Ticket]:
    """The first waiting ticket of each line (service; appointments or walk-ins): one statement, not one per line."""
    if not services:
        return {}
    # The statement is reused, so SQLAlchemy neither rebuilds nor re-keys it on every call.
    params: dict[str, object] = {"site_id": site_id}
    params.update({f"service_{line}": service.pk for line, service in enumerate(services)})
    rows = session.exec(_heads_statement(len(services)), params=params).all()
    return {(ticket.service_pk, ticket.priority > 0): ticket for ticket in rows}


def candidates(
    *, session: Session, counter: Counter, now: datetime, served: Sequence[tuple[Service, int]] | None = None
) -> list[LineHead[Candidate]]:
    """The heads of every line this counter serves (appointments and walk-ins apart), unordered.

    `served` is the counter's services with their rank when the caller has read them already.
    """
    served = counter_services(session=session, counter=counter) if served is None else served
    # Only an express counter asks who else serves a line (to keep its quick matters first safely).
    services = [service for service, _ in served]
    elsewhere = served_elsewhere(session=session, counter=counter, services=services) if counter.express else set()
    # An ordinary counter serving a quick matter asks how much quick work the express counters have first.
    serves_quick = not counter.express and any(s.express for s in services)
    ahead = quick_work_ahead(session=session, site_id=counter.site_id) if serves_quick else None
    found = line_heads(session=session, site_id=counter.site_id, services=services)
    heads: list[LineHead[Candidate]] = []
    for service, rank in served:
        for appointments in (True, False):
            head = found.get((service.pk, appointments))
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
    """Mark a waiting ticket as called by this counter unless another counter got it first.

    The row comes back with the update (RETURNING) into the loaded ticket: one statement, no read after it.
    """
    claimed = session.execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == TicketStatus.waiting)
        .values(status=TicketStatus.called, counter_id=counter.id, called_at=now)
        .returning(Ticket),
        execution_options={"populate_existing": True, "synchronize_session": False},
    ).scalars().first()
    return claimed is not None


def claim_next(*, session: Session, counter: Counter, now: datetime) -> Ticket | None:
    """Claim the most urgent waiting ticket for a counter, or None if nobody waits.

    Only chooses and claims: the command that calls it runs the appointment sweep first.
    """
    # What the counter serves cannot change while it claims: read once for every attempt.
    served = counter_services(session=session, counter=counter)
    express = [s for s, _ in served if s.express] if counter.express else []
    # An express counter serving no express matter today is an ordinary counter.
    site = session.get(Site, counter.site_id) if express else None
    due = quick_due_check(session=session, site=site, express=express, now=now) if site is not None else None
    for _ in range(MAX_CLAIM_ATTEMPTS):
        heads = candidates(session=session, counter=counter, now=now, served=served)
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
