"""Service functions for the clerks' actions at a counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from server.appointments.sweep import sweep
from server.auth.models import Clerk
from server.closing.service import close_due
from server.counters.announce import announce_counter
from server.counters.lookup import get_counter, services_it_may_serve
from server.counters.models import Counter, CounterStatus
from server.errors import Conflict, NotFound
from server.events.envelope import EventType
from server.held_rows import unit_of_work
from server.remote_join.service import ready_or_next
from server.sites.hours import business_day
from server.sites.lookup import get_service
from server.sites.models import Service, Site
from server.tickets.announcements import announced_together
from server.tickets.lifecycle import ACTIVE_AT_COUNTER, TicketAction, TicketStatus, next_status
from server.tickets.models import Ticket
from server.tickets.number_rules import parse_number
from server.tickets.routing import claim_next
from server.tickets.service import announce_queue, announce_ticket

CALLABLE_BY_NUMBER = (TicketStatus.waiting, TicketStatus.parked, TicketStatus.no_show)
UNDO_TO = {TicketStatus.parked.value: TicketAction.unpark, TicketStatus.no_show.value: TicketAction.unmark}


@contextmanager
def counter_command(session: Session, clerk: Clerk | None = None) -> Iterator[None]:
    """One clerk's action at a counter as a unit of work: its site, counters and services are read once.

    Every action reads them from many places (the counter's session, the routing, the three announcements,
    the answer); the request's whole transaction runs in here. The acting clerk, read when the request was
    let in, joins the session as it was read, so the counter's view does not read it again.
    """
    with unit_of_work(session, Site, Service, Counter, Clerk) as unit:
        if clerk is not None:
            unit.held.append(session.merge(clerk, load=False))
        yield


def current_ticket(*, session: Session, counter: Counter) -> Ticket:
    """The ticket at the counter, or Conflict if there is none."""
    ticket = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    if ticket is None or ticket.status not in ACTIVE_AT_COUNTER:
        raise Conflict(f"{counter.name} has no citizen right now; call one first.", code="no_current_ticket")
    return ticket


def _ensure_free(*, session: Session, counter: Counter) -> None:
    if counter.status == CounterStatus.paused:
        raise Conflict(f"{counter.name} is paused; resume before calling.", code="counter_paused")
    busy = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    if busy is not None and busy.status in ACTIVE_AT_COUNTER:
        raise Conflict(
            f"{counter.name} is still with {busy.number} ({busy.status}); finish it, "
            "mark it as no-show or park it first.",
            code="counter_busy",
        )


def _occupy(*, counter: Counter, ticket: Ticket, clerk: Clerk) -> None:
    counter.current_ticket_id = ticket.id
    counter.clerk_id = clerk.id
    counter.status = CounterStatus.open


def call_next(
    *, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str, grace_minutes: int = 30
) -> Ticket | None:
    """Call the most urgent citizen this counter serves, or return None if nobody waits."""
    counter = get_counter(session=session, counter_id=counter_id)
    _ensure_free(session=session, counter=counter)
    # Yesterday's lines, or today's after closing, end before anyone is chosen from them.
    close_due(session=session, site_id=counter.site_id, now=now, grace_minutes=grace_minutes, public_url=public_url)
    actor = f"clerk:{clerk.username}"
    opened = counter.status != CounterStatus.open or counter.clerk_id != clerk.id
    counter.status, counter.clerk_id = CounterStatus.open, clerk.id
    session.add(counter)
    # Due appointments gain priority and lapsed ones become no-shows before anyone is chosen; deleting
    # personal data past retention is the periodic job's, not worth a write on every call.
    sweep(session=session, site_id=counter.site_id, now=now, purge=False)
    ticket = claim_next(session=session, counter=counter, now=now)
    # A remote ticket not checked in at its turn is passed over: back in line a few places, or expired.
    ticket = ready_or_next(
        session=session, ticket=ticket, claim=lambda: claim_next(session=session, counter=counter, now=now), now=now,
        actor=actor, public_url=public_url,
    )
    if ticket is None:
        if opened:
            announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
        return None
    # Every call starts a fresh recall count, also for a ticket called before (transferred, put back).
    ticket.recalls, ticket.called_from = 0, None
    _occupy(counter=counter, ticket=ticket, clerk=clerk)
    session.add(counter)
    _announce_move(session=session, counter=counter, ticket=ticket, now=now, actor=actor, public_url=public_url)
    return ticket


def _announce_move(
    *,
    session: Session,
    counter: Counter,
    ticket: Ticket,
    now: datetime,
    actor: str,
    public_url: str,
    type: EventType = EventType.ticket_called,
    extra: dict[str, object] | None = None,
) -> None:
    """Events for a ticket moving between a line and a counter: ticket, counter and lines, recorded together."""
    with announced_together(session):
        announce_ticket(
            session=session, ticket=ticket, type=type, now=now, actor=actor, public_url=public_url, extra=extra
        )
        announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
        announce_queue(session=session, site_id=counter.site_id, now=now, actor=actor)


def call_number(
    *, session: Session, counter_id: str, number: str, clerk: Clerk, now: datetime, public_url: str
) -> Ticket:
    """Call a particular ticket of today, e.g. a parked citizen who came back."""
    counter = get_counter(session=session, counter_id=counter_id)
    prefix, serial = parse_number(number)
    site = session.get(Site, counter.site_id)
    assert site is not None
    ticket = session.exec(
        select(Ticket)
        .join(Service, col(Service.pk) == Ticket.issued_service_pk)
        .where(
            Ticket.site_id == counter.site_id,
            Service.prefix == prefix,
            Ticket.serial == serial,
            Ticket.business_day == business_day(site, now),
        )
    ).first()
    if ticket is None:
        raise NotFound(f"No ticket {number.upper()} was issued today.", code="unknown_number")
    if ticket.status not in CALLABLE_BY_NUMBER:
        where = f" at counter {ticket.counter_id}" if ticket.counter_id else ""
        raise Conflict(
            f"Ticket {ticket.number} is {ticket.status}{where} and cannot be called.",
            code="not_callable",
        )
    _ensure_free(session=session, counter=counter)
    # Called back after a no-show or from parking: a fresh recall count, and undo knows where it came from.
    ticket.called_from = ticket.status if ticket.status != TicketStatus.waiting else None
    ticket.status = next_status(ticket.number, ticket.status, TicketAction.call)
    ticket.counter_id, ticket.called_at, ticket.recalls = counter.id, now, 0
    _occupy(counter=counter, ticket=ticket, clerk=clerk)
    session.add_all([ticket, counter])
    _announce_move(
        session=session, counter=counter, ticket=ticket, now=now, actor=f"clerk:{clerk.username}",
        public_url=public_url,
    )
    return ticket


def recall(
    *, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str, max_recalls: int = 0
) -> Ticket:
    """Call the current citizen again; past `max_recalls` (if not 0) the ticket becomes a no-show."""
    counter = get_counter(session=session, counter_id=counter_id)
    ticket = current_ticket(session=session, counter=counter)
    if max_recalls and ticket.status == TicketStatus.called and ticket.recalls >= max_recalls:
        # The system, not the clerk, decides this, so the log names it as the actor.
        return _close_current(
            session=session, counter_id=counter_id, clerk=clerk, now=now, public_url=public_url,
            action=TicketAction.no_show, event=EventType.ticket_no_show, actor="system",
            extra={"reason": "recall_limit", "recalls": ticket.recalls},
        )
    ticket.status = next_status(ticket.number, ticket.status, TicketAction.recall)
    ticket.recalls += 1
    ticket.called_at = now
    session.add(ticket)
    announce_ticket(
        session=session, ticket=ticket, type=EventType.ticket_recalled, now=now,
        actor=f"clerk:{clerk.username}", public_url=public_url,
    )
    return ticket


def start(*, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str) -> Ticket:
    """The citizen has arrived at the counter and service begins."""
    counter = get_counter(session=session, counter_id=counter_id)
    ticket = current_ticket(session=session, counter=counter)
    ticket.status = next_status(ticket.number, ticket.status, TicketAction.start)
    ticket.started_at = now
    session.add(ticket)
    announce_ticket(
        session=session, ticket=ticket, type=EventType.ticket_serving, now=now,
        actor=f"clerk:{clerk.username}", public_url=public_url,
    )
    return ticket


def _close_current(
    *,
    session: Session,
    counter_id: str,
    clerk: Clerk,
    now: datetime,
    public_url: str,
    action: TicketAction,
    event: EventType,
    actor: str | None = None,
    extra: dict[str, object] | None = None,
) -> Ticket:
    """Move the current ticket out of the counter (finish, no-show, park)."""
    counter = get_counter(session=session, counter_id=counter_id)
    ticket = current_ticket(session=session, counter=counter)
    ticket.status = next_status(ticket.number, ticket.status, action)
    if action is TicketAction.finish and ticket.started_at is None:
        ticket.started_at = ticket.called_at
    if ticket.status != TicketStatus.parked:
        ticket.finished_at = now
    counter.current_ticket_id = None
    session.add_all([ticket, counter])
    actor = actor or f"clerk:{clerk.username}"
    with announced_together(session):
        announce_ticket(
            session=session, ticket=ticket, type=event, now=now, actor=actor, public_url=public_url, extra=extra
        )
        announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
    return ticket


def finish(*, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str) -> Ticket:
    """The citizen has been served."""
    return _close_current(
        session=session, counter_id=counter_id, clerk=clerk, now=now, public_url=public_url,
        action=TicketAction.finish, event=EventType.ticket_finished,
    )


def no_show(*, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str) -> Ticket:
    """The called citizen did not come."""
    return _close_current(
        session=session, counter_id=counter_id, clerk=clerk, now=now, public_url=public_url,
        action=TicketAction.no_show, event=EventType.ticket_no_show,
    )


def park(*, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str) -> Ticket:
    """The citizen steps away (e.g. to fetch a document) and is called back by number later."""
    return _close_current(
        session=session, counter_id=counter_id, clerk=clerk, now=now, public_url=public_url,
        action=TicketAction.park, event=EventType.ticket_parked,
    )


def transfer(
    *,
    session: Session,
    counter_id: str,
    service_key: str,
    note: str | None,
    clerk: Clerk,
    now: datetime,
    public_url: str,
) -> Ticket:
    """Send the current citizen to another service's line, keeping their original place in time."""
    counter = get_counter(session=session, counter_id=counter_id)
    ticket = current_ticket(session=session, counter=counter)
    target = get_service(session=session, site_id=counter.site_id, key=service_key)
    source = session.get(Service, ticket.service_pk)
    assert source is not None and target.pk is not None
    if target.pk == source.pk:
        # Sending a citizen back to the line they came from would be an undo without the undo's time limit.
        raise Conflict(
            f"{ticket.number} is already in {source.key}; transfer to another service, or undo the call "
            "right after calling.",
            code="transfer_same_service",
        )
    ticket.status = next_status(ticket.number, ticket.status, TicketAction.transfer)
    ticket.service_pk = target.pk
    ticket.counter_id = None
    ticket.called_at = ticket.started_at = None
    ticket.note = note
    counter.current_ticket_id = None
    session.add_all([ticket, counter])
    _announce_move(
        session=session, counter=counter, ticket=ticket, now=now, actor=f"clerk:{clerk.username}",
        public_url=public_url, type=EventType.ticket_transferred, extra={"from_service": source.key},
    )
    return ticket


def undo_call(
    *, session: Session, counter_id: str, clerk: Clerk, now: datetime, public_url: str, window_seconds: int
) -> Ticket:
    """Put a ticket called by mistake back in line at its original place, within a short window."""
    counter = get_counter(session=session, counter_id=counter_id)
    ticket = current_ticket(session=session, counter=counter)
    called_at = ticket.called_at or now
    if ticket.status != TicketStatus.called or ticket.recalls or now - called_at > timedelta(seconds=window_seconds):
        raise Conflict(
            f"The call of {ticket.number} can only be undone within {window_seconds} seconds, "
            "before a recall or the start of service.",
            code="undo_too_late",
        )
    # A ticket called back from parking or a no-show goes back there; one from a line, to its original place.
    action = UNDO_TO.get(ticket.called_from or "", TicketAction.requeue)
    ticket.status = next_status(ticket.number, ticket.status, action)
    ticket.called_from = None
    # queued_at stays as it was, so the citizen is back at their original place.
    if ticket.status != TicketStatus.parked:
        ticket.counter_id = None
    ticket.called_at = None
    counter.current_ticket_id = None
    session.add_all([ticket, counter])
    _announce_move(
        session=session, counter=counter, ticket=ticket, now=now, actor=f"clerk:{clerk.username}",
        public_url=public_url, type=EventType.ticket_requeued,
        extra={"from_counter": counter.id},
    )
    return ticket


def set_services(
    *, session: Session, counter_id: str, services: list[str], clerk: Clerk, now: datetime, public_url: str
) -> Counter:
    """Choose which of the counter's services it serves today; an empty list means all of them."""
    counter = get_counter(session=session, counter_id=counter_id)
    allowed = [service.key for service, _ in services_it_may_serve(session=session, counter=counter)]
    unknown = [key for key in services if key not in allowed]
    if unknown:
        raise Conflict(
            f"{counter.name} may not serve {', '.join(unknown)}; it may serve {', '.join(allowed)}.",
            code="service_not_allowed",
        )
    # Stored in the counter's own order of preference, without duplicates.
    counter.active_services = ",".join(key for key in allowed if key in services)
    session.add(counter)
    actor = f"clerk:{clerk.username}"
    announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
    announce_queue(session=session, site_id=counter.site_id, now=now, actor=actor)
    return counter


def set_paused(
    *,
    session: Session,
    counter_id: str,
    paused: bool,
    clerk: Clerk,
    now: datetime,
    public_url: str,
    minutes: int | None = None,
) -> Counter:
    """Pause a counter (no calls), for `minutes` if known, or resume it."""
    counter = get_counter(session=session, counter_id=counter_id)
    if paused:
        _ensure_free(session=session, counter=counter)
        counter.status = CounterStatus.paused
        counter.paused_until = now + timedelta(minutes=minutes) if minutes else None
    else:
        counter.status = CounterStatus.open
        counter.paused_until = None
    counter.clerk_id = clerk.id
    session.add(counter)
    actor = f"clerk:{clerk.username}"
    announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
    announce_queue(session=session, site_id=counter.site_id, now=now, actor=actor)
    return counter
