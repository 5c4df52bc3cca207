"""Commands of remote joining: draw a ticket from a phone, check it in at the kiosk, hold it back at its turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from server.counters.models import CounterService
from server.errors import Conflict, Forbidden, NotFound
from server.events.envelope import EventType
from server.remote_join.models import RemoteTicket
from server.remote_join.rules import (
    Missed,
    Presented,
    come_at,
    day_capacity,
    new_code,
    presented,
    remote_allowance,
    when_missed,
)
from server.remote_join.settings import RemoteJoinConfig, remote_join_for
from server.sites.hours import business_day, closing_time, periods_on
from server.sites.lookup import get_site, queue_order
from server.sites.models import Service, Site
from server.tickets.issuance import issue_ticket
from server.tickets.lifecycle import TicketAction, TicketStatus, next_status
from server.tickets.models import Ticket
from server.tickets.schemas import TicketOut
from server.tickets.service import announce_queue, announce_ticket
from server.tickets.views import ticket_out

REMOTE = "remote"
ACTOR = "citizen:remote"
# A claim loop passes over at most this many not-checked-in tickets before giving up for this call.
MAX_HELD = 20
CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class Joined:
    """A remote ticket for its holder: the ticket view, the kiosk code and when to come."""

    ticket: TicketOut
    code: str
    come_at: datetime | None
    check_in: bool


def enabled_config(*, session: Session, site: Site) -> RemoteJoinConfig:
    """The site's settings, or refuse when the site does not offer remote joining."""
    config = remote_join_for(session=session, site_id=site.id)
    if not config.enabled:
        raise Forbidden("This office does not offer joining the queue from a phone.", code="remote_join_off")
    return config


def _open_minutes(site: Site, now: datetime) -> float:
    if site.always_open:
        return 24 * 60.0
    day = business_day(site, now)
    return sum((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) for start, end in periods_on(site, day))


def _remote_today(*, session: Session, site: Site, now: datetime, service_pk: int | None = None) -> int:
    query = select(func.count()).select_from(RemoteTicket).where(
        RemoteTicket.site_id == site.id, RemoteTicket.business_day == business_day(site, now)
    )
    if service_pk is not None:
        query = query.where(RemoteTicket.service_pk == service_pk)
    return int(session.exec(query).one())


def ensure_room(*, session: Session, site: Site, service: Service, config: RemoteJoinConfig, now: datetime) -> None:
    """Refuse a remote join outside the hours, past the day's cap or past the service's share."""
    if not site.always_open:
        closes = closing_time(site, now)
        if closes is None:
            raise Conflict("The office is closed now. Joining from a phone works during opening hours.",
                           code="remote_closed")
        if closes - now <= timedelta(minutes=config.stop_before_closing_minutes):
            raise Conflict("The office closes soon; tickets are only handed out at the kiosk now.",
                           code="remote_closing_soon")
    if _remote_today(session=session, site=site, now=now) >= config.daily_cap:
        raise Conflict("Today's tickets for joining from a phone are all taken. Please use the kiosk.",
                       code="remote_cap_reached")
    assert service.pk is not None
    counters = int(session.exec(
        select(func.count()).select_from(CounterService).where(CounterService.service_pk == service.pk)
    ).one())
    capacity = day_capacity(quota=service.daily_quota, open_minutes=_open_minutes(site, now), counters=counters,
                            typical_minutes=service.typical_service_minutes)
    allowance = remote_allowance(capacity=capacity, share=config.capacity_share)
    if allowance is not None and _remote_today(session=session, site=site, now=now, service_pk=service.pk) >= allowance:
        raise Conflict("This service's tickets for joining from a phone are all taken today. Please use the kiosk.",
                       code="remote_share_reached")


def join(
    *, session: Session, site_id: str, service_key: str, language: str, now: datetime, public_url: str
) -> Joined:
    """Draw a remote ticket with the issuance command, inside the caller's transaction."""
    site = get_site(session=session, site_id=site_id)
    config = enabled_config(session=session, site=site)
    service = session.exec(
        select(Service).where(Service.site_id == site_id, Service.key == service_key, col(Service.active).is_(True))
    ).first()
    if service is None:
        raise NotFound(f"Unknown service '{service_key}' at site '{site_id}'.", code="unknown_service")
    ensure_room(session=session, site=site, service=service, config=config, now=now)
    ticket, _ = issue_ticket(
        session=session, site_id=site_id, service_key=service_key, language=language, now=now, actor=ACTOR,
        public_url=public_url, channel=REMOTE,
    )
    assert ticket.id is not None and service.pk is not None
    view = ticket_out(session=session, ticket=ticket, public_url=public_url, holder=True, now=now)
    remote = RemoteTicket(
        ticket_id=ticket.id, site_id=site_id, service_pk=service.pk, business_day=ticket.business_day,
        code=_unused_code(session=session, site_id=site_id, ticket=ticket),
        come_at=come_at(now=now, eta_minutes=view.eta_minutes, before_minutes=config.come_before_minutes),
        checked_in_at=now if config.check_in == "none" else None,
    )
    session.add(remote)
    session.flush()
    return Joined(ticket=view, code=remote.code, come_at=remote.come_at, check_in=config.check_in == "kiosk")


def _unused_code(*, session: Session, site_id: str, ticket: Ticket) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = new_code()
        taken = session.exec(select(RemoteTicket.ticket_id).where(
            RemoteTicket.site_id == site_id, RemoteTicket.business_day == ticket.business_day, RemoteTicket.code == code
        )).first()
        if taken is None:
            return code
    raise Conflict("Could not find a free check-in code; please try again.", code="conflict_retry")


def remote_of(*, session: Session, ticket: Ticket) -> RemoteTicket | None:
    """The remote part of a ticket, if it was drawn from a phone."""
    return session.get(RemoteTicket, ticket.id) if ticket.channel == REMOTE else None


def _find(*, session: Session, site: Site, shown: Presented, now: datetime) -> tuple[Ticket, RemoteTicket]:
    if shown.token is not None:
        ticket = session.exec(select(Ticket).where(Ticket.token == shown.token, Ticket.site_id == site.id)).first()
        remote = remote_of(session=session, ticket=ticket) if ticket is not None else None
    else:
        remote = session.exec(select(RemoteTicket).where(
            RemoteTicket.site_id == site.id, RemoteTicket.business_day == business_day(site, now),
            RemoteTicket.code == shown.code,
        )).first()
        ticket = session.get(Ticket, remote.ticket_id) if remote is not None else None
    if ticket is None or remote is None:
        raise NotFound("No ticket from a phone with this code today.", code="unknown_remote_ticket")
    return ticket, remote


def check_in(*, session: Session, site_id: str, text: str, now: datetime, actor: str, public_url: str) -> Ticket:
    """A citizen arrived: the kiosk scanned the phone's QR code or the short code was typed."""
    site = get_site(session=session, site_id=site_id)
    shown = presented(text)
    if shown is None:
        raise NotFound("This is not the code of a ticket drawn from a phone.", code="unknown_remote_ticket")
    ticket, remote = _find(session=session, site=site, shown=shown, now=now)
    if ticket.status != TicketStatus.waiting:
        code = "remote_expired" if ticket.status == TicketStatus.expired else "remote_not_waiting"
        raise Conflict(f"Ticket {ticket.number} is {ticket.status}; it cannot be checked in.", code=code)
    if remote.checked_in_at is None:
        remote.checked_in_at = now
        session.add(remote)
        announce_ticket(session=session, ticket=ticket, type=EventType.ticket_checked_in, now=now, actor=actor,
                        public_url=public_url)
    return ticket


def ready_or_next(
    *, session: Session, ticket: Ticket | None, claim: Callable[[], Ticket | None], now: datetime, actor: str,
    public_url: str,
) -> Ticket | None:
    """The call-next hook: pass over claimed remote tickets not checked in, which go back in line or expire."""
    held: list[tuple[Ticket, RemoteTicket]] = []
    while ticket is not None:
        remote = remote_of(session=session, ticket=ticket)
        if remote is None or remote.checked_in_at is not None:
            break
        # Kept claimed while the loop runs, so the next claim passes over it to the next in line.
        held.append((ticket, remote))
        ticket = claim() if len(held) < MAX_HELD else None
    if held:
        _missed(session=session, held=held, now=now, actor=actor, public_url=public_url)
    return ticket


def _missed(
    *, session: Session, held: list[tuple[Ticket, RemoteTicket]], now: datetime, actor: str, public_url: str
) -> None:
    """Their turn came before they checked in: back behind a few citizens, or expired past the bound."""
    for ticket, _ in held:
        ticket.status, ticket.counter_id, ticket.called_at = TicketStatus.waiting, None, None
        session.add(ticket)
    session.flush()
    config = remote_join_for(session=session, site_id=held[0][0].site_id)
    for ticket, remote in held:
        if when_missed(moved_back=remote.moved_back, max_move_backs=config.max_move_backs) is Missed.expire:
            ticket.status = next_status(ticket.number, ticket.status, TicketAction.expire)
            ticket.finished_at = now
            session.add(ticket)
            announce_ticket(session=session, ticket=ticket, type=EventType.ticket_expired, now=now, actor=actor,
                            public_url=public_url, extra={"reason": "not_checked_in",
                                                          "business_day": ticket.business_day.isoformat()})
            continue
        behind = session.exec(
            select(Ticket).where(
                Ticket.site_id == ticket.site_id, Ticket.service_pk == ticket.service_pk,
                Ticket.status == TicketStatus.waiting, Ticket.id != ticket.id,
                col(Ticket.priority) <= ticket.priority,
                (col(Ticket.queued_at) > ticket.queued_at)
                | ((col(Ticket.queued_at) == ticket.queued_at) & (col(Ticket.id) > ticket.id)),
            ).order_by(*queue_order()).limit(config.move_back_places)  # type: ignore[arg-type]
        ).all()
        if behind:
            # Just after the last of those it lets go first; the id breaks a tie with the next one.
            ticket.queued_at = behind[-1].queued_at + timedelta(milliseconds=1)
        remote.moved_back += 1
        session.add_all([ticket, remote])
        session.flush()
        announce_ticket(session=session, ticket=ticket, type=EventType.ticket_postponed, now=now, actor=actor,
                        public_url=public_url, extra={"reason": "not_checked_in", "moved_back": remote.moved_back,
                                                      "places": len(behind)})
    announce_queue(session=session, site_id=held[0][0].site_id, now=now, actor=actor)
