"""Service functions for appointments: booking, cancelling, looking up."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aufruf.events import build_event
from server.appointments.codes import display, new_code, normalize
from server.appointments.models import Appointment, AppointmentStatus
from server.appointments.schemas import AppointmentOut
from server.errors import Conflict, DomainError, NotFound
from server.events.envelope import EventType
from server.events.log import record_event
from server.sites.lookup import get_service, get_site
from server.sites.models import Service, Site
from server.tickets.models import Ticket

MAX_CODE_ATTEMPTS = 10


def as_utc(site: Site, moment: datetime) -> datetime:
    """A booked time in UTC; a time without zone is read as the site's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(site.timezone))
    return moment.astimezone(ZoneInfo("UTC"))


def public_data(*, appointment: Appointment, service_key: str) -> dict[str, object]:
    """What events say about an appointment: no code (it admits at the kiosk) and no personal data."""
    return {
        "appointment": appointment.id,
        "service": service_key,
        "starts_at": appointment.starts_at.isoformat(),
        "status": appointment.status,
        "late": appointment.late,
    }


def record_appointment_event(
    *, session: Session, appointment: Appointment, type: EventType, now: datetime, actor: str
) -> None:
    """Log a change of an appointment; published after commit like every event."""
    service = session.get(Service, appointment.service_pk)
    key = service.key if service else None
    session.flush()
    record_event(
        session=session,
        site_id=appointment.site_id,
        type=type,
        at=now,
        actor=actor,
        data=build_event(type.value, public_data(appointment=appointment, service_key=key or "?")),
        service_key=key,
    )


def _free_code(*, session: Session, site_id: str) -> str:
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_code()
        if find_by_code(session=session, site_id=site_id, code=code) is None:
            return code
    raise Conflict("Could not find a free booking code; please try again.", code="code_space_exhausted")


def create_appointment(
    *,
    session: Session,
    site_id: str,
    service_key: str,
    starts_at: datetime,
    now: datetime,
    actor: str,
    duration_minutes: int | None = None,
    code: str | None = None,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    note: str | None = None,
    source: str = "api",
    external_uid: str | None = None,
) -> Appointment:
    """Book an appointment; a given code is kept (normalized), otherwise a random one is made."""
    site = get_site(session=session, site_id=site_id)
    service = get_service(session=session, site_id=site_id, key=service_key)
    assert service.pk is not None
    if code is not None:
        code = normalize(code)
        if len(code) < 4:
            raise DomainError("A booking code needs at least 4 letters or digits.", code="bad_booking_code")
        if find_by_code(session=session, site_id=site_id, code=code) is not None:
            raise Conflict(f"The booking code {display(code)} is already in use.", code="booking_code_taken")
    appointment = Appointment(
        site_id=site_id,
        service_pk=service.pk,
        code=code or _free_code(session=session, site_id=site_id),
        starts_at=as_utc(site, starts_at),
        duration_minutes=duration_minutes,
        source=source,
        external_uid=external_uid,
        created_at=now,
        name=name,
        email=email,
        phone=phone,
        note=note,
    )
    session.add(appointment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("This booking clashes with one made at the same moment.", code="conflict_retry") from None
    record_appointment_event(
        session=session, appointment=appointment, type=EventType.appointment_booked, now=now, actor=actor
    )
    return appointment


def find_by_code(*, session: Session, site_id: str, code: str) -> Appointment | None:
    """The appointment with this code at this site, if any."""
    return session.exec(
        select(Appointment).where(Appointment.site_id == site_id, Appointment.code == normalize(code))
    ).first()


def get_by_code(*, session: Session, site_id: str, code: str) -> Appointment:
    """The appointment with this code, or NotFound that says nothing more."""
    appointment = find_by_code(session=session, site_id=site_id, code=code)
    if appointment is None:
        raise NotFound("No appointment with this booking code.", code="unknown_booking")
    return appointment


def cancel_appointment(*, session: Session, site_id: str, code: str, now: datetime, actor: str) -> Appointment:
    """Cancel a booking that has not been checked in yet."""
    appointment = get_by_code(session=session, site_id=site_id, code=code)
    if appointment.status == AppointmentStatus.cancelled:
        return appointment
    if appointment.status != AppointmentStatus.booked:
        raise Conflict(
            f"The appointment is {appointment.status.replace('_', ' ')} and can no longer be cancelled.",
            code="booking_not_cancellable",
        )
    appointment.status = AppointmentStatus.cancelled
    appointment.cancelled_at = now
    session.add(appointment)
    record_appointment_event(
        session=session, appointment=appointment, type=EventType.appointment_cancelled, now=now, actor=actor
    )
    return appointment


def appointments_on(*, session: Session, site_id: str, day: date) -> list[Appointment]:
    """A site's appointments on a local calendar day, in time order."""
    site = get_site(session=session, site_id=site_id)
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return list(
        session.exec(
            select(Appointment)
            .where(Appointment.site_id == site_id, Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(col(Appointment.starts_at), col(Appointment.id))
        ).all()
    )


def appointment_out(*, session: Session, appointment: Appointment) -> AppointmentOut:
    """The staff view of an appointment."""
    service = session.get(Service, appointment.service_pk)
    ticket = session.get(Ticket, appointment.ticket_id) if appointment.ticket_id else None
    return AppointmentOut(
        id=appointment.id or 0,
        site=appointment.site_id,
        service=service.key if service else "?",
        code=display(appointment.code),
        qr_content=display(appointment.code),
        starts_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        status=appointment.status,
        source=appointment.source,
        late=appointment.late,
        ticket_number=ticket.number if ticket else None,
        checked_in_at=appointment.checked_in_at,
        name=appointment.name,
        email=appointment.email,
        phone=appointment.phone,
        note=appointment.note,
        personal_data_deleted=appointment.purged_at is not None,
    )
