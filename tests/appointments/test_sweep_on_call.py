"""Call-next's sweep: skipped when nothing is due, yet every due appointment is swept by the very next call."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from server.appointments.models import Appointment, AppointmentStatus
from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.tickets.models import Ticket
from tests.appointments.conftest import book, show_up
from tests.support.service_calls import PUBLIC_URL, draw, serve_next

LATE = timedelta(minutes=15)  # the demo site's late limit
WINDOW = timedelta(minutes=10)  # and its priority window before the booked time


def _status(database: Database, appointment: Appointment) -> tuple[str, object]:
    with database.read() as session:
        found = session.get(Appointment, appointment.id)
        assert found is not None
        return found.status, found.no_show_at


def test_a_booking_becomes_a_no_show_on_the_first_call_after_its_late_limit(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    booking = book(database, service="anmeldung", at=clock.now() + timedelta(minutes=5), now=clock.now())
    assert serve_next(database, clock, clerk, "2") is None
    clock.advance(timedelta(minutes=5) + LATE)  # exactly at the late limit: not yet lapsed
    assert serve_next(database, clock, clerk, "2") is None
    assert _status(database, booking) == (AppointmentStatus.booked, None)
    clock.advance(timedelta(seconds=1))
    assert serve_next(database, clock, clerk, "2") is None
    assert _status(database, booking) == (AppointmentStatus.no_show, booking.starts_at + LATE)


def test_an_early_check_in_goes_first_on_the_first_call_inside_its_window(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    first, second = draw(database, clock, "ausweis"), draw(database, clock, "ausweis")
    booking = book(database, service="ausweis", at=clock.now() + timedelta(minutes=60), now=clock.now())
    early = show_up(database, booking.code, clock.now())
    assert serve_next(database, clock, clerk, "3") == first  # before the window the check-in waits its turn
    clock.advance(timedelta(minutes=60) - WINDOW)  # the window has just begun
    assert serve_next(database, clock, clerk, "3") == early.number
    assert serve_next(database, clock, clerk, "3") == second


def test_a_call_with_nothing_due_writes_no_appointment_or_ticket_priority(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    book(database, service="anmeldung", at=clock.now() + timedelta(hours=2), now=clock.now())
    draw(database, clock, "anmeldung")
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.transaction() as session, counters.counter_command(session, clerk):
            called = counters.call_next(
                session=session, counter_id="2", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
            )
            assert called is not None
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    assert not [s for s in statements if s.startswith("UPDATE ticket SET priority")]
    assert sum("FROM appointmentpolicy" in s for s in statements) == 1  # the rules, read once
    with database.read() as session:
        assert session.exec(select(Ticket).where(Ticket.priority > 0)).all() == []
