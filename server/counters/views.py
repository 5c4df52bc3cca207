"""A counter's public view (counter.changed events, snapshots, the counter app)."""

from __future__ import annotations

from sqlmodel import Session

from server.auth.models import Clerk
from server.counters.lookup import services_it_may_serve
from server.counters.models import Counter, CounterStatus
from server.counters.schemas import CounterOut
from server.tickets.models import Ticket
from server.tickets.views import ticket_out


def counter_out(*, session: Session, counter: Counter, public_url: str) -> CounterOut:
    """The counter's public view with its current ticket."""
    clerk = session.get(Clerk, counter.clerk_id) if counter.clerk_id else None
    current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    every = [service.key for service, _ in services_it_may_serve(session=session, counter=counter)]
    return CounterOut(
        id=counter.id,
        site=counter.site_id,
        key=counter.key or counter.id,
        name=counter.name,
        room=counter.room,
        status=counter.status,
        clerk=clerk.display_name or clerk.username if clerk else None,
        services=every,
        active_services=[key for key in counter.active_services.split(",") if key],
        current=ticket_out(session=session, ticket=current, public_url=public_url, holder=False, staff=True)
        if current
        else None,
        express=counter.express,
        paused_until=counter.paused_until if counter.status == CounterStatus.paused else None,
    )
