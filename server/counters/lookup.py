"""A counter's lowest lookups: the counter itself and the services it serves with their preference rank."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from server.counters.models import Counter, CounterService
from server.counters.serving import chosen_services
from server.errors import NotFound
from server.held_rows import remembered
from server.sites.models import Service


def get_counter(*, session: Session, counter_id: str) -> Counter:
    """Load a counter or raise NotFound."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound(f"There is no counter '{counter_id}'.", code="unknown_counter")
    return counter


_COUNTER_SERVICES = (
    select(Service, CounterService.rank)
    .join(CounterService, col(CounterService.service_pk) == Service.pk)
    .where(CounterService.counter_id == bindparam("counter_id"), col(Service.active).is_(True))
    .order_by(col(CounterService.rank))
)


def services_it_may_serve(*, session: Session, counter: Counter) -> list[tuple[Service, int]]:
    """Every active service the counter may serve, with its preference rank (configuration: once per unit of work)."""
    return remembered(
        session, ("counter_services", counter.id),
        lambda: [(s, rank) for s, rank in session.exec(_COUNTER_SERVICES, params={"counter_id": counter.id}).all()],
    )


def counter_services(*, session: Session, counter: Counter) -> list[tuple[Service, int]]:
    """The services this counter serves today with their preference rank."""
    chosen = chosen_services(counter)
    rows = services_it_may_serve(session=session, counter=counter)
    return [(service, rank) for service, rank in rows if not chosen or service.key in chosen]
