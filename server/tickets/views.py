"""Turning a ticket row into its public shape, with position and wait range."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from server.counters.location import counter_location
from server.counters.models import Counter, CounterService
from server.forecasting.latest import current_forecast, newer_ahead, ticket_range
from server.privacy import EVERYONE, TICKET, allowed
from server.sites.availability import Availability, availability, resume_times
from server.sites.lookup import ahead_of, get_site, site_services
from server.sites.models import Service
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.schemas import TicketOut


def people_ahead(*, session: Session, ticket: Ticket) -> int:
    """How many waiting tickets of the same service come before this one."""
    if ticket.status != TicketStatus.waiting:
        return 0
    earlier = ahead_of(ticket)
    count = session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.site_id == ticket.site_id,
            Ticket.service_pk == ticket.service_pk,
            Ticket.status == TicketStatus.waiting,
            earlier,
        )
    ).one()
    return int(count)


def waiting_count(*, session: Session, site_id: str) -> int:
    """How many tickets wait at the site now."""
    count = session.exec(
        select(func.count()).select_from(Ticket).where(Ticket.site_id == site_id, Ticket.status == TicketStatus.waiting)
    ).one()
    return int(count)


def ticket_out(
    *, session: Session, ticket: Ticket, public_url: str, holder: bool, now: datetime | None = None,
    staff: bool = False,
) -> TicketOut:
    """The full view; `holder` adds the token and status URL, `staff` the note; `now` is when the range is read."""
    service = session.get(Service, ticket.service_pk)
    assert service is not None
    counter = session.get(Counter, ticket.counter_id) if ticket.counter_id else None
    site_row = get_site(session=session, site_id=ticket.site_id)
    ahead = people_ahead(session=session, ticket=ticket)
    eta: tuple[int, int] | None = None
    wait_outside = False
    available = Availability(served_now=True)
    if ticket.status == TicketStatus.waiting:
        # The same forecast as the services list, so kiosk, ticket, page and display agree.
        site = site_row
        forecast = current_forecast(
            session=session, site=site, services=site_services(session=session, site_id=site.id),
            now=now or datetime.now(UTC),
        )
        eta = ticket_range(forecast, ticket, newer=newer_ahead(session=session, forecast=forecast, ticket=ticket))
        if ticket.service_pk not in forecast.served:
            moment = now or datetime.now(UTC)
            available = availability(
                site=site, service_pk=ticket.service_pk, served=forecast.served,
                resumes=resume_times(session=session, site=site, now=moment),
            )
        wait_outside = site.waiting_room_capacity is not None and waiting_count(
            session=session, site_id=site.id
        ) >= site.waiting_room_capacity
    return build_ticket_view(
        ticket=ticket, service=service, counter=counter, languages=site_row.languages, ahead=ahead, eta=eta,
        wait_outside=wait_outside, available=available, public_url=public_url, holder=holder, staff=staff,
        service_location=single_place(session=session, service_pk=service.pk, languages=site_row.languages)
        if holder else None,
    )


def build_ticket_view(
    *,
    ticket: Ticket,
    service: Service,
    counter: Counter | None,
    languages: list[str],
    ahead: int,
    eta: tuple[int, int] | None,
    wait_outside: bool,
    available: Availability,
    public_url: str,
    holder: bool,
    staff: bool = False,
    service_location: dict[str, str] | None = None,
) -> TicketOut:
    """A ticket's view from what its callers looked up; the one place the view is put together (no queries)."""
    return TicketOut(
        id=ticket.id or 0,
        number=ticket.number,
        service=service.key,
        service_name=service.name_in(ticket.language),
        status=ticket.status,
        position=ahead + 1 if ticket.status == TicketStatus.waiting else 0,
        people_ahead=ahead,
        eta_minutes=eta,
        token=ticket.token if holder else None,
        status_url=f"{public_url}/t/{ticket.token}" if holder else None,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        # The counter's id within its site, the name clerks and signs use (its installation-wide id when single-site).
        counter=(counter.key or counter.id) if counter else ticket.counter_id,
        counter_name=counter.name if counter else None,
        counter_location=counter_location(counter, languages) if counter else None,
        service_location=service_location if holder else None,
        language=ticket.language,
        recalls=ticket.recalls,
        site=ticket.site_id,
        appointment=ticket.appointment_id is not None,
        wait_outside=wait_outside,
        served_now=available.served_now,
        served_from=available.served_from,
        served_from_time=available.served_from_time,
        visual_call=ticket.visual_call,
        channel=ticket.channel,
        note=ticket.note if staff else None,
    )


def single_place(*, session: Session, service_pk: int | None, languages: list[str]) -> dict[str, str] | None:
    """The location of the one counter that serves a service, or None when several (or none) do."""
    counters = session.exec(
        select(Counter).join(CounterService, col(CounterService.counter_id) == Counter.id)
        .where(CounterService.service_pk == service_pk)
    ).all()
    places = {(c.location, c.room) for c in counters}
    return counter_location(counters[0], languages) if len(places) == 1 else None


def public_data(view: TicketOut) -> dict[str, Any]:
    """A ticket view fit for public events and pages: its public fields only."""
    return allowed(TICKET, view.model_dump(mode="json"), EVERYONE)
