"""The periodic job: priority at the window start, no-shows after the late limit, deletion of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, exists, or_, update
from sqlmodel import Session, col, select

from server.appointments.checkin import APPOINTMENT_PRIORITY
from server.appointments.importing import FALLBACK_UID_PREFIX
from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.policy import rules_for
from server.appointments.service import record_appointment_event
from server.db_types import UTCDateTime
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


def _window_begun(site_id: Any, begun_by: Any) -> ColumnElement[bool]:
    """Early check-ins whose priority window has begun (the appointments, whether or not promoted yet)."""
    return and_(
        col(Appointment.site_id) == site_id,
        col(Appointment.status) == AppointmentStatus.checked_in,
        col(Appointment.late).is_(False),
        col(Appointment.starts_at) <= begun_by,
    )


def _promotable(site_id: Any) -> ColumnElement[bool]:
    """A waiting ticket of the site still below appointment priority."""
    return and_(
        col(Ticket.site_id) == site_id,
        col(Ticket.status) == TicketStatus.waiting,
        col(Ticket.priority) < APPOINTMENT_PRIORITY,
    )


def _lapsed(site_id: Any, starting_before: Any) -> ColumnElement[bool]:
    """Bookings nobody checked in for by their late limit."""
    return and_(
        col(Appointment.site_id) == site_id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) < starting_before,
    )


def _window_start(now: datetime, policy: AppointmentPolicy) -> datetime:
    """Appointments starting until then are in their priority window."""
    return now + timedelta(minutes=policy.priority_before_minutes)


def _late_limit(now: datetime, policy: AppointmentPolicy) -> datetime:
    """Bookings starting before then are past their late limit."""
    return now - timedelta(minutes=policy.late_minutes)


# Built once (call-next asks it on every call): a lapsed booking, or a check-in in its window still to promote.
_SITE = bindparam("site_id", type_=String())
_BEGUN_BY = bindparam("begun_by", type_=UTCDateTime())
_LAPSED_BEFORE = bindparam("lapsed_before", type_=UTCDateTime())
_ANYTHING_DUE = (
    select(Appointment.id)
    .where(
        or_(
            _lapsed(_SITE, _LAPSED_BEFORE),
            and_(
                _window_begun(_SITE, _BEGUN_BY),
                exists().where(_promotable(_SITE), col(Ticket.appointment_id) == Appointment.id),
            ),
        )
    )
    .limit(1)
)


def anything_due(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> bool:
    """Whether a promotion or a no-show is due: one query on the due index, so a call can skip the sweep's writes."""
    policy = policy or rules_for(session=session, site_id=site_id)
    params = {
        "site_id": site_id, "begun_by": _window_start(now, policy), "lapsed_before": _late_limit(now, policy),
    }
    return session.exec(_ANYTHING_DUE, params=params).first() is not None


def promote_due(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> int:
    """Give priority to early check-ins whose window has begun; returns how many."""
    policy = policy or rules_for(session=session, site_id=site_id)
    due = select(Appointment.id).where(_window_begun(site_id, _window_start(now, policy)))
    result = session.execute(
        update(Ticket)
        .where(
            _promotable(site_id),
            col(Ticket.appointment_id).in_(due),
        )
        .values(priority=APPOINTMENT_PRIORITY)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_no_shows(*, session: Session, site_id: str, now: datetime, policy: AppointmentPolicy | None = None) -> int:
    """Record every booking nobody checked in for by its late limit; returns how many."""
    policy = policy or rules_for(session=session, site_id=site_id)
    lapsed = session.exec(select(Appointment).where(_lapsed(site_id, _late_limit(now, policy)))).all()
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
