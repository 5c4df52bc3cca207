"""The lowest lookups of a site: the site, its services, its lines in order, its counters, today's count.

Only queries here; the figures built from them (forecast, queue state) live in server.sites.queue.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session, and_, col, or_, select

from server.counters.models import Counter, CounterService
from server.counters.serving import serving_clause
from server.errors import NotFound
from server.sites.hours import business_day
from server.sites.models import Service, Site
from server.tickets.lifecycle import TicketStatus
from server.tickets.line_order import ORDER
from server.tickets.models import NumberSequence, Ticket


def get_site(*, session: Session, site_id: str) -> Site:
    """Load a site or raise NotFound."""
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"There is no site '{site_id}'.", code="unknown_site")
    return site


def site_services(*, session: Session, site_id: str) -> list[Service]:
    """The site's active services in display order."""
    return list(
        session.exec(
            select(Service)
            .where(Service.site_id == site_id, col(Service.active).is_(True))
            .order_by(col(Service.position), col(Service.key))
        ).all()
    )


def get_service(*, session: Session, site_id: str, key: str) -> Service:
    """Load an active service by its public id or raise NotFound naming the valid ones."""
    services = site_services(session=session, site_id=site_id)
    for service in services:
        if service.key == key:
            return service
    known = ", ".join(s.key for s in services) or "none"
    raise NotFound(f"Unknown service '{key}' at site '{site_id}'. Known: {known}.", code="unknown_service")


def queue_order() -> tuple[object, ...]:
    """The order of a line as SQL: priority first, then the original time of joining (see line_order)."""
    columns = ((col(getattr(Ticket, name)), descending) for name, descending in ORDER)
    return tuple(column.desc() if descending else column for column, descending in columns)


def ahead_of(ticket: Ticket) -> Any:
    """SQL condition: a ticket that comes before `ticket` in a line (by `ORDER`, the first difference decides)."""
    clauses = []
    for index, (name, descending) in enumerate(ORDER):
        column = col(getattr(Ticket, name))
        value = getattr(ticket, name)
        same_before = [col(getattr(Ticket, earlier)) == getattr(ticket, earlier) for earlier, _ in ORDER[:index]]
        clauses.append(and_(*same_before, column > value if descending else column < value))
    return or_(*clauses)


def waiting_tickets(*, session: Session, site_id: str) -> list[Ticket]:
    """Every waiting ticket at the site, in line order."""
    return list(
        session.exec(
            select(Ticket)
            .where(Ticket.site_id == site_id, Ticket.status == TicketStatus.waiting)
            .order_by(*queue_order())  # type: ignore[arg-type]
        ).all()
    )


def waiting_numbers(*, session: Session, site_id: str) -> list[tuple[int, str, datetime]]:
    """(service pk, number, joined at) of every waiting ticket at the site, in line order; plain rows, no objects."""
    rows = session.exec(
        select(Ticket.service_pk, Ticket.number, Ticket.queued_at)
        .where(Ticket.site_id == site_id, Ticket.status == TicketStatus.waiting)
        .order_by(*queue_order())  # type: ignore[arg-type]
    ).all()
    return [(service_pk, number, queued_at) for service_pk, number, queued_at in rows]


def serving_counters(*, session: Session, site_id: str) -> dict[int, int]:
    """How many open counters can serve each service right now, by service pk."""
    rows = session.exec(
        select(CounterService.service_pk, Counter.active_services, Service.key)
        .join(Counter, col(Counter.id) == CounterService.counter_id)
        .join(Service, col(Service.pk) == CounterService.service_pk)
        .where(Counter.site_id == site_id, serving_clause())
    ).all()
    counts: dict[int, int] = defaultdict(int)
    for service_pk, active, key in rows:
        if not active or key in active.split(","):
            counts[service_pk] += 1
    return counts


def capable_counters(*, session: Session, site_id: str) -> dict[int, int]:
    """How many counters may serve each service at all, by service pk."""
    rows = session.exec(
        select(CounterService.service_pk)
        .join(Counter, col(Counter.id) == CounterService.counter_id)
        .where(Counter.site_id == site_id)
    ).all()
    counts: dict[int, int] = defaultdict(int)
    for service_pk in rows:
        counts[service_pk] += 1
    return counts


def issued_today(*, session: Session, site: Site, service: Service, now: datetime) -> int:
    """How many tickets this service handed out today (online and reconciled offline ones)."""
    sequence = session.get(NumberSequence, (site.id, service.pk, business_day(site, now)))
    return sequence.issued if sequence else 0
