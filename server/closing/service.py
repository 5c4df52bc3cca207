"""Closing a site's business day: every ticket still open ends as expired, with its reason."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from aufruf.events import DayClosed
from server.closing.checked_days import forget, nothing_left_before, remember_nothing_left
from server.closing.days import CLOSED_MEMO, is_day_closed
from server.closing.models import DayClosure
from server.closing.rules import closing_moment, day_end
from server.counters.announce import release_counter_of
from server.counters.sessions import close_sessions_for_day
from server.events.envelope import EventType
from server.events.log import lock_sequence, record_event
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.sites.models import Site
from server.tickets.lifecycle import TicketAction, TicketStatus, next_status
from server.tickets.models import Ticket
from server.tickets.service import announce_queue, announce_ticket

# Still in a line or called at closing; a citizen being served is finished by the clerk.
OPEN_AT_CLOSING = (TicketStatus.waiting, TicketStatus.called, TicketStatus.parked)
# On a later day nothing of an earlier one may stay open, not even a service nobody finished.
OPEN_AFTER_THE_DAY = (*OPEN_AT_CLOSING, TicketStatus.serving)


def _expire(*, session: Session, tickets: list[Ticket], reason: str, now: datetime, actor: str, public_url: str) -> int:
    """End tickets as expired, free their counters and announce each."""
    for ticket in tickets:
        at_counter = ticket.counter_id is not None and ticket.status in (TicketStatus.called, TicketStatus.serving)
        ticket.status = next_status(ticket.number, ticket.status, TicketAction.expire)
        ticket.finished_at = now
        session.add(ticket)
        announce_ticket(
            session=session,
            ticket=ticket,
            type=EventType.ticket_expired,
            now=now,
            actor=actor,
            public_url=public_url,
            extra={"reason": reason, "business_day": ticket.business_day.isoformat()},
        )
        if at_counter:
            release_counter_of(session=session, ticket=ticket, now=now, actor=actor, public_url=public_url)
    return len(tickets)


def _record_closure(
    *, session: Session, site: Site, day: date, now: datetime, actor: str, reason: str, expired: int,
    expired_remote: int = 0,
) -> DayClosure:
    closure = session.get(DayClosure, (site.id, day))
    if closure is None:
        closure = DayClosure(site_id=site.id, business_day=day, closed_at=now, actor=actor, reason=reason)
    closure.expired += expired
    closure.expired_remote += expired_remote
    session.add(closure)
    session.info.setdefault(CLOSED_MEMO, {})[(site.id, day)] = True
    record_event(
        session=session,
        site_id=site.id,
        type=EventType.day_closed,
        at=now,
        actor=actor,
        data=DayClosed(business_day=day, reason=reason, expired=expired, expired_remote=expired_remote),
    )
    return closure


def _open_tickets(*, session: Session, site_id: str, until: date, statuses: tuple[TicketStatus, ...]) -> list[Ticket]:
    return list(
        session.exec(
            select(Ticket).where(
                Ticket.site_id == site_id, col(Ticket.status).in_(statuses), col(Ticket.business_day) <= until
            )
        ).all()
    )


def _close(
    *, session: Session, site: Site, day: date, now: datetime, actor: str, reason: str, public_url: str,
    past: bool = False,
) -> int:
    """Expire what is open of `day` (and anything older), record the day as closed; returns tickets expired.

    On the day itself a citizen being served stays with the clerk; a `past` day leaves nothing open.
    """
    earlier = [
        t
        for t in _open_tickets(session=session, site_id=site.id, until=day, statuses=OPEN_AFTER_THE_DAY)
        if past or t.business_day < day or t.status != TicketStatus.serving
    ]
    remote = sum(ticket.channel == "remote" for ticket in earlier)
    expired = _expire(session=session, tickets=earlier, reason=reason, now=now, actor=actor, public_url=public_url)
    _record_closure(
        session=session, site=site, day=day, now=now, actor=actor, reason=reason, expired=expired, expired_remote=remote
    )
    # Sessions of that day only: a leftover of yesterday found this morning must not end today's sessions.
    opened_before = min(now, day_end(site, day))
    close_sessions_for_day(
        session=session, site_id=site.id, now=now, actor=actor, public_url=public_url, opened_before=opened_before
    )
    announce_queue(session=session, site_id=site.id, now=now, actor=actor)
    return expired


def close_day_now(*, session: Session, site_id: str, now: datetime, actor: str, public_url: str) -> DayClosure:
    """A supervisor ends today at once: open tickets expire and no more tickets are issued today."""
    site = get_site(session=session, site_id=site_id)
    day = business_day(site, now)
    _close(
        session=session, site=site, day=day, now=now, actor=actor, reason="closed_by_supervisor", public_url=public_url
    )
    closure = session.get(DayClosure, (site.id, day))
    assert closure is not None
    return closure


def _days_with_leftovers(*, session: Session, site_id: str, before: date) -> list[date]:
    """The earlier business days that still have open tickets, oldest first (one indexed query, no rows loaded)."""
    days = session.exec(
        select(col(Ticket.business_day))
        .where(
            Ticket.site_id == site_id, col(Ticket.status).in_(OPEN_AFTER_THE_DAY), col(Ticket.business_day) < before
        )
        .distinct()
    ).all()
    return sorted(days)


def _earlier_days_clear(*, session: Session, site: Site, today: date, now: datetime, recheck: bool) -> bool:
    """Whether no earlier day has open tickets: known from the last check today, else one indexed query."""
    if not recheck and nothing_left_before(session=session, site_id=site.id, day=today):
        return True
    if _days_with_leftovers(session=session, site_id=site.id, before=today):
        forget(session=session, site_id=site.id)
        return False
    remember_nothing_left(session=session, site=site, day=today, now=now)
    return True


def close_due(
    *, session: Session, site_id: str, now: datetime, grace_minutes: int, public_url: str, recheck: bool = False
) -> int:
    """Close every day of the site whose closing has passed and end earlier days' leftovers; returns tickets expired.

    Cheap when there is nothing to do (a lookup, and one indexed query only on a site's first call of a day), so
    call-next runs it before choosing; `recheck` (the periodic job) always asks the database about earlier days.
    """
    site = get_site(session=session, site_id=site_id)
    today = business_day(site, now)
    closing_due = now >= closing_moment(site, today, grace_minutes=grace_minutes)
    if _earlier_days_clear(session=session, site=site, today=today, now=now, recheck=recheck) and (
        not closing_due or is_day_closed(session=session, site=site, now=now)
    ):
        return 0
    # Two processes may get here at once (PostgreSQL): the site's sequence lock lets one close, the other re-reads.
    lock_sequence(session=session, site_id=site.id)
    session.info.pop(CLOSED_MEMO, None)
    expired = 0
    for day in _days_with_leftovers(session=session, site_id=site.id, before=today):
        # A server that was down at closing ends those days now, with the reason the closing would have given.
        expired += _close(
            session=session, site=site, day=day, now=now, actor="system", reason="day_ended", public_url=public_url,
            past=True,
        )
    if closing_due and not is_day_closed(session=session, site=site, now=now):
        expired += _close(
            session=session, site=site, day=today, now=now, actor="system", reason="closing", public_url=public_url
        )
    return expired
