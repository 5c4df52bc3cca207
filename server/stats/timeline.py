"""Reading the event log into per-ticket timelines and per-counter opening spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from server.appointments.models import Appointment
from server.counters.models import Counter
from server.events.envelope import EventType
from server.events.models import EventRecord
from server.tickets.models import Ticket

CALLS = (EventType.ticket_called.value, EventType.ticket_recalled.value)
ENDINGS = (
    EventType.ticket_finished.value, EventType.ticket_no_show.value, EventType.ticket_cancelled.value,
    EventType.ticket_expired.value,
)


@dataclass
class TicketTimeline:
    """When one ticket reached each stage; nothing that could identify the citizen."""

    ticket_id: int
    created: datetime
    service: str
    appointment: bool = False
    # Drawn from a phone (server/remote_join/), and whether it ended because it was never checked in.
    remote: bool = False
    missed_check_in: bool = False
    first_called: datetime | None = None
    started: datetime | None = None
    finished: datetime | None = None
    outcome: str | None = None
    counter: str | None = None
    calls: list[datetime] = field(default_factory=list)

    @property
    def wait_minutes(self) -> float | None:
        """Minutes from drawing the ticket to the first call."""
        return (self.first_called - self.created).total_seconds() / 60 if self.first_called else None

    @property
    def service_minutes(self) -> float | None:
        """Minutes at the counter, for served tickets: from the start (or the call) to the finish."""
        begin = self.started or (self.calls[-1] if self.calls else None)
        if self.outcome != "finished" or self.finished is None or begin is None:
            return None
        return (self.finished - begin).total_seconds() / 60


def _is_appointment(data: dict[str, object]) -> bool:
    return bool(data.get("appointment") or data.get("appointment_id"))


def _apply(line: TicketTimeline, row: EventRecord) -> None:
    """Advance a timeline by one event of its ticket."""
    if row.type in CALLS:
        line.calls.append(row.at)
        line.first_called = line.first_called or row.at
        line.counter = row.counter_id or line.counter
        line.started = None
    elif row.type == EventType.ticket_serving:
        line.started = row.at
    elif row.type in ENDINGS:
        line.finished, line.outcome = row.at, row.type.split(".", 1)[1]
        line.missed_check_in = row.data.get("reason") == "not_checked_in"
    elif row.type == EventType.ticket_requeued:
        # An undone call never reached the citizen: they are back in line at their place.
        if line.calls:
            line.calls.pop()
        line.first_called = line.calls[0] if line.calls else None
    elif row.type in (EventType.ticket_transferred, EventType.ticket_parked):
        line.outcome, line.finished, line.started = None, None, None


def ticket_timelines(*, session: Session, site_id: str, start: datetime, end: datetime) -> list[TicketTimeline]:
    """Every ticket drawn in [start, end), followed to its end even past midnight."""
    created = (
        select(EventRecord.ticket_id)
        .where(
            EventRecord.site_id == site_id,
            EventRecord.type == EventType.ticket_created,
            EventRecord.at >= start,
            EventRecord.at < end,
        )
        .scalar_subquery()
    )
    rows = session.exec(
        select(EventRecord)
        .where(EventRecord.site_id == site_id, col(EventRecord.ticket_id).in_(created))
        .order_by(col(EventRecord.seq))
    ).all()
    lines: dict[int, TicketTimeline] = {}
    for row in rows:
        assert row.ticket_id is not None
        if row.type == EventType.ticket_created:
            lines[row.ticket_id] = TicketTimeline(
                ticket_id=row.ticket_id, created=row.at, service=row.service_key or "?",
                appointment=_is_appointment(row.data), remote=row.data.get("channel") == "remote",
            )
        elif row.ticket_id in lines:
            _apply(lines[row.ticket_id], row)
    _mark_appointments(session=session, lines=lines)
    return sorted(lines.values(), key=lambda line: (line.created, line.ticket_id))


def _mark_appointments(*, session: Session, lines: dict[int, TicketTimeline]) -> None:
    """The appointment flag from the booking: a check-in too late to count was served as a walk-in."""
    if not lines:
        return
    booked = session.exec(
        select(Ticket.id, Appointment.late)
        .join(Appointment, col(Appointment.id) == Ticket.appointment_id)
        .where(col(Ticket.id).in_(list(lines)))
    ).all()
    for ticket_id, late in booked:
        # The ticket's event says "appointment" for a late check-in too; only the booking knows it was late.
        if ticket_id is not None:
            lines[ticket_id].appointment = not late


@dataclass(frozen=True)
class OpenSpan:
    """A stretch of time a counter was open for citizens."""

    counter: str
    start: datetime
    end: datetime


def _state_before(*, session: Session, site_id: str, counter_id: str, moment: datetime) -> str:
    row = session.exec(
        select(EventRecord)
        .where(
            EventRecord.site_id == site_id,
            EventRecord.type == EventType.counter_changed,
            EventRecord.counter_id == counter_id,
            EventRecord.at < moment,
        )
        .order_by(col(EventRecord.seq).desc())
        .limit(1)
    ).first()
    return str(row.data.get("status", "closed")) if row else "closed"


def open_spans(*, session: Session, site_id: str, start: datetime, end: datetime, now: datetime) -> list[OpenSpan]:
    """When each counter was open (not paused or closed) within [start, end), from counter.changed events.

    Counters have no "close" action, so a counter left open would count all night: in a finished span
    a counter's last open stretch ends at its last change (usually its last finish) instead.
    """
    counters = session.exec(select(Counter.id).where(Counter.site_id == site_id).order_by(col(Counter.id))).all()
    changes = session.exec(
        select(EventRecord)
        .where(
            EventRecord.site_id == site_id,
            EventRecord.type == EventType.counter_changed,
            EventRecord.at >= start,
            EventRecord.at < end,
        )
        .order_by(col(EventRecord.seq))
    ).all()
    spans: list[OpenSpan] = []
    for counter_id in counters:
        status = _state_before(session=session, site_id=site_id, counter_id=counter_id, moment=start)
        since = start
        own = [change for change in changes if change.counter_id == counter_id]
        for row in own:
            new = str(row.data.get("status", status))
            if status == "open" and new != "open":
                spans.append(OpenSpan(counter=counter_id, start=since, end=row.at))
            if new == "open" and status != "open":
                since = row.at
            status = new
        if status == "open":
            last = min(end, now) if now < end else (own[-1].at if own else start)
            spans.append(OpenSpan(counter=counter_id, start=since, end=last))
    return [span for span in spans if span.end > span.start]
