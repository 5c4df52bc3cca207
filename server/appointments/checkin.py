"""Check-in at the kiosk: a booking code becomes an appointment ticket, by the site's early/late rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.policy import rules_for
from server.appointments.service import get_by_code, record_appointment_event
from server.errors import Conflict
from server.events.envelope import EventType
from server.forecasting.latest import current_forecast, newer_ahead, remember_shown
from server.sites.hours import business_day, closing_time, local_time
from server.sites.lookup import get_site, site_services
from server.sites.models import Service, Site
from server.sites.queue import CLOSED_MESSAGES, ensure_open
from server.tickets.models import Ticket
from server.tickets.service import announce_queue, announce_ticket, mint_ticket

APPOINTMENT_PRIORITY = 1


class Arrival(StrEnum):
    """When a citizen checks in, relative to the booked time."""

    early = "early"
    on_time = "on_time"
    late = "late"


def priority_starts(*, appointment: Appointment, policy: AppointmentPolicy) -> datetime:
    """From when a checked-in appointment is called with priority."""
    return appointment.starts_at - timedelta(minutes=policy.priority_before_minutes)


def late_limit(*, appointment: Appointment, policy: AppointmentPolicy) -> datetime:
    """After this moment the booking no longer counts: a no-show, or a walk-in if the citizen comes."""
    return appointment.starts_at + timedelta(minutes=policy.late_minutes)


def arrival(*, appointment: Appointment, policy: AppointmentPolicy, now: datetime) -> Arrival:
    """Classify a check-in as early, on time or late."""
    if now < priority_starts(appointment=appointment, policy=policy):
        return Arrival.early
    if now > late_limit(appointment=appointment, policy=policy):
        return Arrival.late
    return Arrival.on_time


def _usable(appointment: Appointment) -> None:
    if appointment.status == AppointmentStatus.cancelled:
        raise Conflict("This appointment was cancelled. Please draw a ticket or book again.", code="booking_cancelled")
    if appointment.status == AppointmentStatus.checked_in:
        raise Conflict("This booking code has already been used to check in.", code="booking_used")


def _refuse_by_rules(*, site: Site, appointment: Appointment, policy: AppointmentPolicy, kind: Arrival,
                     now: datetime) -> None:
    booked = local_time(site, appointment.starts_at)
    if kind is Arrival.early:
        opens = local_time(site, priority_starts(appointment=appointment, policy=policy))
        if business_day(site, appointment.starts_at) != business_day(site, now):
            raise Conflict(
                f"Your appointment is on {booked:%d.%m.%Y} at {booked:%H:%M}. Please come back that day.",
                code="booking_other_day",
            )
        if policy.too_early == "refuse":
            raise Conflict(
                f"Your appointment is at {booked:%H:%M}. Please check in from {opens:%H:%M}.",
                code="booking_too_early",
            )
    if kind is Arrival.late and policy.too_late == "refuse":
        raise Conflict(
            f"Your appointment was at {booked:%H:%M} ({booked:%d.%m.}); it has lapsed. "
            "Please book a new appointment.",
            code="booking_too_late",
        )


def check_in(
    *, session: Session, site_id: str, code: str, now: datetime, actor: str, public_url: str, visual_call: bool = False
) -> Ticket:
    """Turn a booking code into a ticket; on time it carries priority, early it gains it at the window."""
    site = get_site(session=session, site_id=site_id)
    appointment = get_by_code(session=session, site_id=site_id, code=code)
    _usable(appointment)
    policy = rules_for(session=session, site_id=site_id)
    kind = arrival(appointment=appointment, policy=policy, now=now)
    if appointment.status == AppointmentStatus.no_show:
        kind = Arrival.late
    _refuse_by_rules(site=site, appointment=appointment, policy=policy, kind=kind, now=now)
    service = session.get(Service, appointment.service_pk)
    assert service is not None and service.pk is not None
    if kind is Arrival.late:
        # A lapsed booking is an ordinary walk-in: quota and closing cut-off apply.
        ensure_open(session=session, site=site, service=service, now=now)
    elif not service.active or (not site.always_open and closing_time(site, now) is None):
        reason = "inactive" if not service.active else "closed"
        raise Conflict(CLOSED_MESSAGES[reason], code=f"service_{reason}")
    # Appointment tickets share their service's gap-free numbering, so call-by-number works unchanged.
    ticket = mint_ticket(
        session=session,
        site=site,
        service=service,
        now=now,
        priority=APPOINTMENT_PRIORITY if kind is Arrival.on_time else 0,
        appointment_id=appointment.id,
        visual_call=visual_call,
    )
    appointment.status = AppointmentStatus.checked_in
    appointment.checked_in_at = now
    appointment.ticket_id = ticket.id
    appointment.late = kind is Arrival.late
    session.add(appointment)
    announce_ticket(
        session=session, ticket=ticket, type=EventType.ticket_created, now=now, actor=actor, public_url=public_url,
        extra={"appointment": True, "arrival": kind.value},
    )
    record_appointment_event(
        session=session, appointment=appointment, type=EventType.appointment_checked_in, now=now, actor=actor
    )
    announce_queue(session=session, site_id=site_id, now=now, actor=actor)
    # What the kiosk shows for this ticket is what its view was built from: the latest forecast.
    forecast = current_forecast(
        session=session, site=site, services=site_services(session=session, site_id=site_id), now=now
    )
    # As the view made it: the booking's own figure if the forecast expected it, else behind the unseen tickets.
    newer = {ticket.id: newer_ahead(session=session, forecast=forecast, ticket=ticket)} if ticket.id else {}
    remember_shown(session=session, site_id=site_id, forecast=forecast, tickets=[ticket], newer=newer)
    return ticket
