"""The staff views of the day's controls, built from the rows (names allowed: these go to supervisors only)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from server.auth.models import Clerk
from server.counters.models import Counter
from server.counters.session_models import CounterSession
from server.day_controls.models import SiteNotice
from server.day_controls.rules import is_active
from server.day_controls.schemas import CounterHolderOut, DayControlsOut, NoticeOut, ServiceControlOut
from server.day_controls.service import counter_holders, site_notices
from server.day_controls.state import controls_today
from server.sites.hours import business_day
from server.sites.lookup import get_site, issued_today, site_services, waiting_tickets
from server.sites.queue import today_quota
from server.tickets.models import Ticket


def notice_out(notice: SiteNotice, *, now: datetime) -> NoticeOut:
    """A notice's staff view."""
    assert notice.id is not None
    return NoticeOut(
        id=notice.id,
        texts=notice.texts,
        created_at=notice.created_at,
        expires_at=notice.expires_at,
        withdrawn_at=notice.withdrawn_at,
        created_by=notice.created_by,
        showing=is_active(expires_at=notice.expires_at, withdrawn_at=notice.withdrawn_at, now=now),
    )


def holder_out(*, session: Session, counter: Counter, held: CounterSession | None) -> CounterHolderOut:
    """One counter and who holds it."""
    clerk = session.get(Clerk, held.clerk_id) if held else None
    ticket = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    return CounterHolderOut(
        counter=counter.id,
        key=counter.key or counter.id,
        name=counter.name,
        status=counter.status,
        session=held.id if held else None,
        clerk=(clerk.display_name or clerk.username) if clerk else None,
        username=clerk.username if clerk else None,
        workstation=held.workstation if held else None,
        opened_at=held.opened_at if held else None,
        last_seen_at=held.last_seen_at if held else None,
        current=ticket.number if ticket is not None else None,
    )


def day_controls(*, session: Session, site_id: str, now: datetime, language: str = "de") -> DayControlsOut:
    """The site's controls for today: services with closure and quota, notices, counters and their holders."""
    site = get_site(session=session, site_id=site_id)
    controls = controls_today(session=session, site=site, now=now)
    waiting = waiting_tickets(session=session, site_id=site_id)
    services = []
    for service in site_services(session=session, site_id=site_id):
        assert service.pk is not None
        control = controls.get(service.pk)
        services.append(
            ServiceControlOut(
                id=service.key,
                name=service.name_in(language),
                business_day=business_day(site, now),
                closed=bool(control and control.closed),
                message=dict(control.message) if control else {},
                quota=today_quota(session=session, site=site, service=service, now=now),
                configured_quota=service.daily_quota,
                issued=issued_today(session=session, site=site, service=service, now=now),
                waiting=sum(1 for ticket in waiting if ticket.service_pk == service.pk),
                updated_by=control.updated_by if control else None,
            )
        )
    return DayControlsOut(
        site=site_id,
        business_day=business_day(site, now),
        services=services,
        notices=[notice_out(n, now=now) for n in site_notices(session=session, site_id=site_id, now=now)],
        counters=[
            holder_out(session=session, counter=c, held=h) for c, h in counter_holders(session=session, site_id=site_id)
        ],
    )
