"""Full state sent as the first websocket message and served for polling clients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from server.branding.service import branding_out
from server.counters.lookup import get_counter
from server.counters.models import Counter
from server.counters.views import counter_out
from server.day_controls.state import notices_data
from server.events.log import current_seq
from server.privacy import DISPLAY_SNAPSHOT, HOLDER, TICKET_SNAPSHOT, allowed
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.sites.queue import queue_state
from server.sites.schemas import SiteOut
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.views import public_data, ticket_out


def site_out(*, session: Session, site_id: str) -> SiteOut:
    """A site's public facts."""
    site = get_site(session=session, site_id=site_id)
    return SiteOut(
        id=site.id,
        name=site.name,
        timezone=site.timezone,
        languages=site.languages,
        near_turn_alert=site.near_turn_alert,
        branding=branding_out(session=session, site_id=site_id),
    )


def _today(*, session: Session, site_id: str, now: datetime) -> tuple[Any, ...]:
    site = get_site(session=session, site_id=site_id)
    return (Ticket.site_id == site_id, Ticket.business_day == business_day(site, now))


def recent_calls(*, session: Session, site_id: str, now: datetime, limit: int, public_url: str) -> list[dict[str, Any]]:
    """Today's latest calls, newest first."""
    tickets = session.exec(
        select(Ticket)
        .where(*_today(session=session, site_id=site_id, now=now), col(Ticket.called_at).is_not(None))
        .order_by(col(Ticket.called_at).desc())
        .limit(limit)
    ).all()
    return [public_data(ticket_out(session=session, ticket=t, public_url=public_url, holder=False)) for t in tickets]


def display_snapshot(*, session: Session, site_id: str, now: datetime, recent: int, public_url: str) -> dict[str, Any]:
    """What a call display needs: lines, counters and the latest calls; public fields only."""
    counters = session.exec(select(Counter).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    return allowed(DISPLAY_SNAPSHOT, {
        "site": site_out(session=session, site_id=site_id).model_dump(mode="json"),
        **queue_state(session=session, site_id=site_id, now=now).as_data(),
        "counters": [
            counter_out(session=session, counter=c, public_url=public_url).model_dump(mode="json") for c in counters
        ],
        "calls": recent_calls(session=session, site_id=site_id, now=now, limit=recent, public_url=public_url),
        "notices": notices_data(session=session, site_id=site_id, now=now),
    })


def counter_snapshot(*, session: Session, counter_id: str, now: datetime, public_url: str) -> dict[str, Any]:
    """What a counter app needs: its state, the lines, parked tickets and today's count."""
    counter = get_counter(session=session, counter_id=counter_id)
    today = _today(session=session, site_id=counter.site_id, now=now)
    parked = session.exec(
        select(Ticket).where(*today, Ticket.status == TicketStatus.parked).order_by(col(Ticket.queued_at))
    ).all()
    served = session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(*today, Ticket.counter_id == counter_id, Ticket.status == TicketStatus.done)
    ).one()
    return {
        "counter": counter_out(session=session, counter=counter, public_url=public_url).model_dump(mode="json"),
        **queue_state(session=session, site_id=counter.site_id, now=now).as_data(),
        "parked": [
            public_data(ticket_out(session=session, ticket=t, public_url=public_url, holder=False)) for t in parked
        ],
        "served_today": int(served),
    }


def ticket_snapshot(*, session: Session, ticket: Ticket, now: datetime, public_url: str) -> dict[str, Any]:
    """What a citizen's status page needs: their ticket (with its token) and the lines, nothing of staff."""
    return allowed(TICKET_SNAPSHOT, {
        "ticket": ticket_out(session=session, ticket=ticket, public_url=public_url, holder=True, now=now).model_dump(
            mode="json"
        ),
        "site": site_out(session=session, site_id=ticket.site_id).model_dump(mode="json"),
        **queue_state(session=session, site_id=ticket.site_id, now=now, language=ticket.language).as_data(),
    }, HOLDER)


def with_seq(*, session: Session, site_id: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Pair a snapshot with the seq it reflects (read in the same transaction)."""
    return current_seq(session=session, site_id=site_id), data
