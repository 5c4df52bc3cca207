"""A counter's counter.changed announcement, and freeing the counter when its ticket ends elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from aufruf.events import CounterChanged
from server.counters.models import Counter
from server.counters.views import counter_out
from server.events.envelope import EventType
from server.events.log import NewEvent
from server.privacy import COUNTER, allowed
from server.tickets.announcements import announce
from server.tickets.models import Ticket


def announce_counter(*, session: Session, counter: Counter, now: datetime, actor: str, public_url: str) -> None:
    """Log and queue a counter.changed event with the counter's view."""
    session.flush()
    view = counter_out(session=session, counter=counter, public_url=public_url)
    event = NewEvent(
        type=EventType.counter_changed,
        at=now,
        actor=actor,
        data=CounterChanged.build(allowed(COUNTER, view.model_dump(mode="json"))),
        counter_id=counter.id,
    )
    announce(session=session, site_id=counter.site_id, event=event)


def release_counter_of(
    *, session: Session, ticket: Ticket, now: datetime, actor: str, public_url: str
) -> None:
    """Free the counter a ticket was at, when the ticket ends away from the counter."""
    counters = session.exec(select(Counter).where(Counter.current_ticket_id == ticket.id)).all()
    for counter in counters:
        counter.current_ticket_id = None
        session.add(counter)
        announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
