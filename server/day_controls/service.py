"""Service functions of the day's controls: each changes state, appends its events and its audit record."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from aufruf.events import NoticesChanged, ServiceClosed, ServiceReopened
from server.counters.addressing import site_counter
from server.counters.models import Counter
from server.counters.session_models import CounterSession
from server.counters.sessions import end_session, open_session_of
from server.day_controls.models import ServiceDayControl, SiteNotice
from server.day_controls.rules import (
    ControlConflict,
    InvalidControl,
    check_expiry,
    check_quota,
    clean_texts,
    move_order,
)
from server.day_controls.state import forget_controls, notices_data
from server.errors import Conflict, NotFound
from server.events.envelope import EventType
from server.events.log import record_event
from server.security.audit import record_audit
from server.sites.hours import business_day
from server.sites.lookup import get_service, get_site, issued_today
from server.sites.models import Service, Site
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.service import announce_queue, announce_ticket

# A counter session a supervisor ended; the counter app names this reason to its clerk.
ENDED_BY_SUPERVISOR = "ended_by_supervisor"
# Both languages every office serves: a closure message or notice must say it in German and English.
REQUIRED_LANGUAGES = ("de", "en")


def _require_languages(texts: dict[str, str], *, field: str) -> dict[str, str]:
    cleaned = clean_texts(texts, field=field)
    if "en" not in cleaned:
        raise InvalidControl(f"{field} needs the English text ('en') too.", code="english_missing")
    return cleaned


def _control(*, session: Session, site: Site, service: Service, now: datetime, actor: str) -> ServiceDayControl:
    """Today's override row of the service, created on first use."""
    assert service.pk is not None
    day = business_day(site, now)
    control = session.get(ServiceDayControl, (site.id, service.pk, day))
    if control is None:
        control = ServiceDayControl(
            site_id=site.id, service_pk=service.pk, business_day=day, updated_at=now, updated_by=actor
        )
    control.updated_at, control.updated_by = now, actor
    return control


def _save(*, session: Session, control: ServiceDayControl) -> None:
    session.add(control)
    session.flush()
    forget_controls(session)


def _announce_service_change(
    *, session: Session, control: ServiceDayControl, service: Service, opened: bool, now: datetime, actor: str
) -> None:
    """Log, announce and audit a service closed or reopened for the day."""
    day = control.business_day.isoformat()
    message = None if opened else control.message
    record_event(
        session=session,
        site_id=control.site_id,
        type=EventType.service_reopened if opened else EventType.service_closed,
        at=now,
        actor=actor,
        data=(ServiceReopened if opened else ServiceClosed)(
            service=service.key, message=message, business_day=control.business_day
        ),
        service_key=service.key,
    )
    announce_queue(session=session, site_id=control.site_id, now=now, actor=actor)
    detail: dict[str, object] = {"business_day": day} if opened else {"business_day": day, "message": message}
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="service.reopened" if opened else "service.closed",
        target=service.key,
        site_id=control.site_id,
        detail=detail,
    )


def close_service(
    *, session: Session, site_id: str, service_key: str, message: dict[str, str], now: datetime, actor: str
) -> ServiceDayControl:
    """Take no more tickets for the service today; the waiting ones stay in line and are served (or moved)."""
    site = get_site(session=session, site_id=site_id)
    service = get_service(session=session, site_id=site_id, key=service_key)
    texts = _require_languages(message, field="message")
    control = _control(session=session, site=site, service=service, now=now, actor=actor)
    control.closed, control.message = True, texts
    _save(session=session, control=control)
    _announce_service_change(
        session=session, control=control, service=service, opened=False, now=now, actor=actor
    )
    return control


def reopen_service(*, session: Session, site_id: str, service_key: str, now: datetime, actor: str) -> ServiceDayControl:
    """Take tickets for the service again today."""
    site = get_site(session=session, site_id=site_id)
    service = get_service(session=session, site_id=site_id, key=service_key)
    assert service.pk is not None
    control = session.get(ServiceDayControl, (site.id, service.pk, business_day(site, now)))
    if control is None or not control.closed:
        raise Conflict(f"'{service.key}' is not closed today; there is nothing to reopen.", code="service_not_closed")
    control.closed, control.message = False, {}
    control.updated_at, control.updated_by = now, actor
    _save(session=session, control=control)
    _announce_service_change(
        session=session, control=control, service=service, opened=True, now=now, actor=actor
    )
    return control


def set_quota(
    *, session: Session, site_id: str, service_key: str, quota: int | None, now: datetime, actor: str
) -> ServiceDayControl:
    """Today's quota of the service (None: back to the configured one); never below what was issued today."""
    site = get_site(session=session, site_id=site_id)
    service = get_service(session=session, site_id=site_id, key=service_key)
    issued = issued_today(session=session, site=site, service=service, now=now)
    control = _control(session=session, site=site, service=service, now=now, actor=actor)
    before = control.quota if control.quota is not None else service.daily_quota
    control.quota = check_quota(quota=quota, issued=issued)
    _save(session=session, control=control)
    announce_queue(session=session, site_id=site_id, now=now, actor=actor)
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="service.quota",
        target=service.key,
        site_id=site_id,
        detail={
            "business_day": control.business_day.isoformat(),
            "from": before,
            "to": quota,
            "configured": service.daily_quota,
            "issued": issued,
        },
    )
    return control


def _announce_notices(*, session: Session, site_id: str, now: datetime, actor: str) -> None:
    session.flush()
    record_event(
        session=session,
        site_id=site_id,
        type=EventType.notices_changed,
        at=now,
        actor=actor,
        data=NoticesChanged.build({"notices": notices_data(session=session, site_id=site_id, now=now)}),
    )


def post_notice(
    *,
    session: Session,
    site_id: str,
    texts: dict[str, str],
    expires_at: datetime | None,
    minutes: int | None,
    now: datetime,
    actor: str,
) -> SiteNotice:
    """Show a message on the site's displays and kiosks until it expires (by `expires_at` or in `minutes`)."""
    get_site(session=session, site_id=site_id)
    if (expires_at is None) == (minutes is None):
        raise InvalidControl("Give either expires_at or minutes, not both and not neither.", code="expiry_missing")
    wanted = expires_at if expires_at is not None else now + timedelta(minutes=minutes or 0)
    ends = check_expiry(now=now, expires_at=wanted)
    notice = SiteNotice(
        site_id=site_id,
        texts=_require_languages(texts, field="texts"),
        created_at=now,
        expires_at=ends,
        created_by=actor,
    )
    session.add(notice)
    session.flush()
    _announce_notices(session=session, site_id=site_id, now=now, actor=actor)
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="notice.posted",
        target=str(notice.id),
        site_id=site_id,
        detail={"texts": notice.texts, "expires_at": ends.isoformat()},
    )
    return notice


def withdraw_notice(*, session: Session, site_id: str, notice_id: int, now: datetime, actor: str) -> SiteNotice:
    """Take a notice off the screens before its expiry."""
    notice = session.get(SiteNotice, notice_id)
    if notice is None or notice.site_id != site_id:
        raise NotFound(f"There is no notice {notice_id} at site '{site_id}'.", code="unknown_notice")
    if notice.withdrawn_at is not None or notice.expires_at <= now:
        raise Conflict(f"Notice {notice_id} no longer shows.", code="notice_not_showing")
    notice.withdrawn_at = now
    session.add(notice)
    _announce_notices(session=session, site_id=site_id, now=now, actor=actor)
    record_audit(
        session=session, at=now, actor=actor, action="notice.withdrawn", target=str(notice.id), site_id=site_id
    )
    return notice


def site_notices(*, session: Session, site_id: str, now: datetime) -> list[SiteNotice]:
    """Today's notices, showing or not, newest first (for the supervisor page)."""
    since = now - timedelta(hours=24)
    return list(
        session.exec(
            select(SiteNotice)
            .where(SiteNotice.site_id == site_id, col(SiteNotice.expires_at) > since)
            .order_by(col(SiteNotice.id).desc())
        ).all()
    )


def move_waiting(
    *, session: Session, site_id: str, from_key: str, to_key: str, now: datetime, actor: str, public_url: str
) -> list[Ticket]:
    """Move every waiting ticket of a service into another's line: numbers unchanged, line order and times kept."""
    get_site(session=session, site_id=site_id)
    source = get_service(session=session, site_id=site_id, key=from_key)
    target = get_service(session=session, site_id=site_id, key=to_key)
    if source.pk == target.pk:
        raise ControlConflict("Choose another service to move the waiting tickets to.", code="move_same_service")
    waiting = session.exec(
        select(Ticket).where(
            Ticket.site_id == site_id, Ticket.service_pk == source.pk, Ticket.status == TicketStatus.waiting
        )
    ).all()
    moved = move_order(list(waiting))
    assert target.pk is not None
    for ticket in moved:
        # queued_at stays: each ticket keeps the place in time it had, now among the target line's tickets.
        ticket.service_pk = target.pk
        session.add(ticket)
        announce_ticket(
            session=session,
            ticket=ticket,
            type=EventType.ticket_transferred,
            now=now,
            actor=actor,
            public_url=public_url,
            extra={"from_service": source.key, "reason": "moved_by_supervisor"},
        )
    announce_queue(session=session, site_id=site_id, now=now, actor=actor)
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="tickets.moved",
        target=f"{source.key}>{target.key}",
        site_id=site_id,
        detail={"from": source.key, "to": target.key, "numbers": [t.number for t in moved]},
    )
    return moved


def counter_holders(*, session: Session, site_id: str) -> list[tuple[Counter, CounterSession | None]]:
    """Every counter of the site with its open session, if any, in counter order."""
    get_site(session=session, site_id=site_id)
    counters = session.exec(select(Counter).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    return [(counter, open_session_of(session=session, counter=counter)) for counter in counters]


def end_counter_session(
    *, session: Session, site_id: str, counter_key: str, now: datetime, actor: str, public_url: str, address: str = ""
) -> tuple[Counter, CounterSession]:
    """End the session holding a counter of the site; its counter app is told a supervisor ended it."""
    get_site(session=session, site_id=site_id)
    counter = site_counter(session=session, site_id=site_id, key=counter_key)
    held = end_session(
        session=session, counter=counter, reason=ENDED_BY_SUPERVISOR, now=now, actor=actor, public_url=public_url
    )
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="counter.session_ended",
        target=counter.id,
        site_id=site_id,
        address=address,
        detail={"session": held.id, "workstation": held.workstation},
    )
    return counter, held
