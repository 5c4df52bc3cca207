"""Service functions for citizens' tickets: drawing, looking up, giving up."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from aufruf.events import ticket_event
from server.counters.announce import release_counter_of
from server.errors import NotFound
from server.events.envelope import EventType
from server.events.log import NewEvent
from server.sites.hours import business_day
from server.sites.models import Service, Site
from server.sites.queue import queue_state
from server.tickets.announcements import announce
from server.tickets.lifecycle import TicketAction, next_status
from server.tickets.models import Ticket
from server.tickets.number_rules import format_number
from server.tickets.numbering import next_serial
from server.tickets.schemas import TicketOut
from server.tickets.views import public_data, ticket_out

# 24 random bytes: 192 bits, well above the 128 the contract asks for.
TOKEN_BYTES = 24


def new_ticket(*, site_id: str, service: Service, day: date, serial: int, now: datetime, **fields: Any) -> Ticket:
    """A waiting ticket with a taken serial, its printed number and a fresh token; not yet in the session."""
    assert service.pk is not None
    if "language" in fields:
        fields["language"] = str(fields["language"]).lower()
    return Ticket(
        site_id=site_id,
        service_pk=service.pk,
        issued_service_pk=service.pk,
        business_day=day,
        serial=serial,
        number=format_number(service, serial),
        token=secrets.token_urlsafe(TOKEN_BYTES),
        issued_at=now,
        queued_at=now,
        **fields,
    )


def mint_ticket(*, session: Session, site: Site, service: Service, now: datetime, **fields: Any) -> Ticket:
    """Insert a new ticket with the service's next number of the site's day and a fresh token."""
    day = business_day(site, now)
    serial = next_serial(session=session, site_id=site.id, service=service, day=day)
    ticket = new_ticket(site_id=site.id, service=service, day=day, serial=serial, now=now, **fields)
    session.add(ticket)
    session.flush()
    return ticket


def announce_ticket(
    *,
    session: Session,
    ticket: Ticket,
    type: EventType,
    now: datetime,
    actor: str,
    public_url: str,
    extra: dict[str, object] | None = None,
) -> TicketOut:
    """Log and queue an event carrying the ticket's public view."""
    view = ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, now=now)
    service = session.get(Service, ticket.service_pk)
    event = NewEvent(
        type=type,
        at=now,
        actor=actor,
        data=ticket_event(type.value, {**public_data(view), **(extra or {})}),
        ticket_id=ticket.id,
        counter_id=ticket.counter_id,
        service_key=service.key if service else None,
    )
    announce(session=session, site_id=ticket.site_id, event=event)
    return view


def announce_queue(*, session: Session, site_id: str, now: datetime, actor: str) -> None:
    """Log and queue a queue.changed event with every line's new figures."""
    session.flush()
    state = queue_state(session=session, site_id=site_id, now=now)
    event = NewEvent(type=EventType.queue_changed, at=now, actor=actor, data=state.event())
    announce(session=session, site_id=site_id, event=event)


def ticket_by_token(*, session: Session, token: str) -> Ticket:
    """Find a ticket by its secret; unknown tokens reveal nothing."""
    ticket = session.exec(select(Ticket).where(Ticket.token == token)).first()
    if ticket is None:
        raise NotFound("No ticket with this code. It may have expired.", code="unknown_ticket")
    return ticket


def cancel_by_holder(*, session: Session, token: str, now: datetime, public_url: str) -> Ticket:
    """The citizen gives up their ticket; the place goes to the next in line."""
    ticket = ticket_by_token(session=session, token=token)
    ticket.status = next_status(ticket.number, ticket.status, TicketAction.cancel)
    ticket.finished_at = now
    counter_id = ticket.counter_id
    session.add(ticket)
    announce_ticket(
        session=session,
        ticket=ticket,
        type=EventType.ticket_cancelled,
        now=now,
        actor="citizen",
        public_url=public_url,
    )
    if counter_id is not None:
        release_counter_of(session=session, ticket=ticket, now=now, actor="citizen", public_url=public_url)
    announce_queue(session=session, site_id=ticket.site_id, now=now, actor="citizen")
    return ticket
