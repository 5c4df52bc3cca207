"""The lowest lookups of a site: the site, its services, its lines in order, its counters, today's count.

Only queries here; the figures built from them (forecast, queue state) live in server.sites.queue.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, and_, col, or_, select

from server.counters.models import Counter, CounterService
from server.counters.serving import chosen_services, is_serving
from server.errors import NotFound
from server.held_rows import remembered
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


_SITE_SERVICES = (
    select(Service)
    .where(Service.site_id == bindparam("site_id"), col(Service.active).is_(True))
    .order_by(col(Service.position), col(Service.key))
)


def site_services(*, session: Session, site_id: str) -> list[Service]:
    """The site's active services in display order (read once per unit of work)."""
    return list(remembered(
        session, ("site_services", site_id),
        lambda: list(session.exec(_SITE_SERVICES, params={"site_id": site_id}).all()),
    ))


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


# Built once: the statement is reused, so SQLAlchemy neither rebuilds nor re-keys it on every call.
_COUNTER_LINKS = (
    select(Counter, CounterService.service_pk, Service.key)
    .join(CounterService, col(CounterService.counter_id) == Counter.id)
    .join(Service, col(Service.pk) == CounterService.service_pk)
    .where(Counter.site_id == bindparam("site_id"))
)


def counter_links(*, session: Session, site_id: str) -> list[tuple[Counter, int, str]]:
    """(counter, service pk, service key) for every service every counter of the site may serve.

    Read once per unit of work: which counter may serve what is configuration; the counters are the live
    objects of the session, so their status is the transaction's own.
    """
    return remembered(
        session, ("counter_links", site_id),
        lambda: [(c, pk, key) for c, pk, key in session.exec(_COUNTER_LINKS, params={"site_id": site_id}).all()],
    )


def serving_counters(*, session: Session, site_id: str) -> dict[int, int]:
    """How many open counters can serve each service right now, by service pk."""
    counts: dict[int, int] = defaultdict(int)
    for counter, service_pk, key in counter_links(session=session, site_id=site_id):
        chosen = chosen_services(counter)
        if is_serving(counter) and (not chosen or key in chosen):
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


_ISSUED = select(NumberSequence.service_pk, NumberSequence.last_serial, NumberSequence.offline_issued).where(
    NumberSequence.site_id == bindparam("site_id"), NumberSequence.business_day == bindparam("day")
)


def issued_counts(*, session: Session, site: Site, now: datetime) -> dict[int, int]:
    """Every service's count of tickets today (online and reconciled offline ones) in one query, by service pk."""
    rows = session.exec(_ISSUED, params={"site_id": site.id, "day": business_day(site, now)}).all()
    return {service_pk: last_serial + offline for service_pk, last_serial, offline in rows}
