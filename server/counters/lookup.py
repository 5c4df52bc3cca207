"""A counter's lowest lookups: the counter itself and the services it serves with their preference rank."""

from __future__ import annotations

from sqlmodel import Session, col, select

from server.counters.models import Counter, CounterService
from server.counters.serving import chosen_services
from server.errors import NotFound
from server.sites.models import Service


def get_counter(*, session: Session, counter_id: str) -> Counter:
    """Load a counter or raise NotFound."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound(f"There is no counter '{counter_id}'.", code="unknown_counter")
    return counter


def counter_services(*, session: Session, counter: Counter) -> list[tuple[Service, int]]:
    """The services this counter serves today with their preference rank."""
    rows = session.exec(
        select(Service, CounterService.rank)
        .join(CounterService, col(CounterService.service_pk) == Service.pk)
        .where(CounterService.counter_id == counter.id, col(Service.active).is_(True))
        .order_by(col(CounterService.rank))
    ).all()
    chosen = chosen_services(counter)
    return [(service, rank) for service, rank in rows if not chosen or service.key in chosen]
