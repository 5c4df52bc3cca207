"""The periodic job: priority at the window start, no-shows after the late limit, deletion of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, update
from sqlmodel import Session, col, select

from server.appointments.checkin import APPOINTMENT_PRIORITY
from server.appointments.importing import FALLBACK_UID_PREFIX
from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.policy import rules_for
from server.appointments.service import record_appointment_event
from server.events.envelope import EventType
from server.retention import purge_event_notes, purge_ticket_notes
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from server.tickets.service import announce_queue

PERSONAL_FIELDS = ("name", "email", "phone", "note")


@dataclass(frozen=True)
class SweepResult:
    """What one sweep changed."""

    promoted: int
    no_shows: int
    purged: int


def _window_begun(*, site_id: str, now: datetime, policy: AppointmentPolicy) -> ColumnElement[bool]:
    """Early check-ins whose priority window has begun (the appointments, whether or not promoted yet)."""
    return and_(
        col(Appointment.site_id) == site_id,
        col(Appointment.status) == AppointmentStatus.checked_in,
        col(Appointment.late).is_(False),
        col(Appointment.starts_at) <= now + timedelta(minutes=policy.priority_before_minutes),
    )


def _promotable(*, site_id: str) -> ColumnElement[bool]:
    """A waiting ticket of the site still below appointment priority."""
    return and_(
        col(Ticket.site_id) == site_id,
        col(Ticket.status) == TicketStatus.waiting,
        col(Ticket.priority) < APPOINTMENT_PRIORITY,
    )


def _lapsed(*, site_id: str, now: datetime, policy: AppointmentPolicy) -> ColumnElement[bool]:
    """Bookings nobody checked in for by their late limit."""
    return and_(
        col(Appointment.site_id) == site_id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) < now - timedelta(minutes=policy.late_minutes),
    )


def anything_due(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> bool:
    """Whether a promotion or a no-show is due: one query on the due index, so a call can skip the sweep's writes."""
    policy = policy or rules_for(session=session, site_id=site_id)
    ticket_to_promote = exists().where(_promotable(site_id=site_id), col(Ticket.appointment_id) == Appointment.id)
    due = select(Appointment.id).where(
        or_(_lapsed(site_id=site_id, now=now, policy=policy),
            and_(_window_begun(site_id=site_id, now=now, policy=policy), ticket_to_promote))
    )
    return session.exec(due.limit(1)).first() is not None


def promote_due(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> int:
    """Give priority to early check-ins whose window has begun; returns how many."""
    policy = policy or rules_for(session=session, site_id=site_id)
    due = select(Appointment.id).where(_window_begun(site_id=site_id, now=now, policy=policy))
    result = session.execute(
        update(Ticket)
        .where(
            _promotable(site_id=site_id),
            col(Ticket.appointment_id).in_(due),
        )
        .values(priority=APPOINTMENT_PRIORITY)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_no_shows(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> int:
    """Record every booking nobody checked in for by its late limit; returns how many."""
    policy = policy or rules_for(session=session, site_id=site_id)
    lapsed = session.exec(select(Appointment).where(_lapsed(site_id=site_id, now=now, policy=policy))).all()
    for appointment in lapsed:
        appointment.status = AppointmentStatus.no_show
        # The moment the booking lapsed, not when the sweep noticed, so statistics do not depend on the sweep.
        appointment.no_show_at = appointment.starts_at + timedelta(minutes=policy.late_minutes)
        session.add(appointment)
        record_appointment_event(
            session=session, appointment=appointment, type=EventType.appointment_no_show, now=now, actor="system"
        )
    return len(lapsed)


def purge_personal_data(
    *, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None
) -> int:
    """Delete names, contact data and notes of appointments past the retention period; returns how many.

    Transfer and alarm notes in tickets and in the event log go with them, and so do import ids made
    from a row's start, service and name (a hash of a name is still personal data).
    """
    policy = policy or rules_for(session=session, site_id=site_id)
    cutoff = now - timedelta(hours=policy.retention_hours)
    purge_ticket_notes(session=session, site_id=site_id, before=cutoff)
    purge_event_notes(session=session, site_id=site_id, before=cutoff)
    session.execute(
        update(Appointment)
        .where(
            col(Appointment.site_id) == site_id,
            col(Appointment.starts_at) < cutoff,
            col(Appointment.external_uid).startswith(FALLBACK_UID_PREFIX),
        )
        .values(external_uid=None)
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(Appointment)
        .where(
            col(Appointment.site_id) == site_id,
            col(Appointment.purged_at).is_(None),
            col(Appointment.starts_at) < cutoff,
        )
        .values(purged_at=now, **dict.fromkeys(PERSONAL_FIELDS))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sweep(*, session: Session, site_id: str, now: datetime, purge: bool = True) -> SweepResult:
    """Run the three steps for one site inside the caller's transaction; `purge=False` leaves deletion to the job.

    Without the purge (call-next runs it on every call) one read tells whether anything is due; usually nothing is.
    """
    policy = rules_for(session=session, site_id=site_id)
    if not purge and not anything_due(session=session, site_id=site_id, now=now, policy=policy):
        return SweepResult(promoted=0, no_shows=0, purged=0)
    result = SweepResult(
        promoted=promote_due(session=session, site_id=site_id, now=now, policy=policy),
        no_shows=mark_no_shows(session=session, site_id=site_id, now=now, policy=policy),
        purged=purge_personal_data(session=session, site_id=site_id, now=now, policy=policy) if purge else 0,
    )
    if result.promoted:
        announce_queue(session=session, site_id=site_id, now=now, actor="system")
    return result
