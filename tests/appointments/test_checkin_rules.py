"""Check-in by the early/late rules, appointment priority in its window, no-shows, and no starvation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from server.appointments.models import Appointment, AppointmentPolicy, AppointmentStatus
from server.appointments.sweep import sweep
from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.errors import Conflict
from server.events.models import EventRecord
from server.tickets.models import Ticket
from tests.appointments.conftest import book, show_up
from tests.support.service_calls import PUBLIC_URL, draw, serve_next


def _rules(database: Database, **values: object) -> None:
    with database.transaction() as session:
        policy = session.get(AppointmentPolicy, "demo")
        assert policy is not None
        for key, value in values.items():
            setattr(policy, key, value)
        session.add(policy)


def test_an_on_time_appointment_is_called_before_earlier_walk_ins(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    appointment = book(database, service="ausweis", at=clock.now() + timedelta(minutes=5), now=clock.now())
    first = draw(database, clock, "ausweis")
    clock.advance(timedelta(minutes=2))
    ticket = show_up(database, appointment.code, clock.now())
    assert ticket.priority > 0 and ticket.appointment_id == appointment.id
    assert ticket.number == "P002"  # the service's own gap-free numbering
    assert serve_next(database, clock, clerk, "3") == "P002"
    assert serve_next(database, clock, clerk, "3") == first


def test_too_early_is_queued_and_gains_priority_at_the_window(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    appointment = book(database, service="ausweis", at=clock.now() + timedelta(minutes=60), now=clock.now())
    early = show_up(database, appointment.code, clock.now())
    assert early.priority == 0
    clock.advance(timedelta(minutes=1))
    walk_in = draw(database, clock, "ausweis")
    # The window opens ten minutes before the booked time; from then on the appointment goes first.
    clock.advance(timedelta(minutes=49))
    draw(database, clock, "ausweis")
    with database.transaction() as session:
        assert sweep(session=session, site_id="demo", now=clock.now()).promoted == 1
    assert serve_next(database, clock, clerk, "3") == early.number
    assert serve_next(database, clock, clerk, "3") == walk_in


def test_too_early_is_refused_when_the_site_says_so(database: Database, clock: ManualClock) -> None:
    _rules(database, too_early="refuse")
    appointment = book(database, service="ausweis", at=clock.now() + timedelta(minutes=60), now=clock.now())
    with pytest.raises(Conflict) as refused:
        show_up(database, appointment.code, clock.now())
    assert refused.value.code == "booking_too_early" and "check in from" in refused.value.message
    clock.advance(timedelta(minutes=50))
    assert show_up(database, appointment.code, clock.now()).priority > 0


def test_a_booking_on_another_day_is_refused(database: Database, clock: ManualClock) -> None:
    appointment = book(database, service="ausweis", at=clock.now() + timedelta(days=1), now=clock.now())
    with pytest.raises(Conflict) as refused:
        show_up(database, appointment.code, clock.now())
    assert refused.value.code == "booking_other_day"


def test_too_late_becomes_a_walk_in(database: Database, clock: ManualClock) -> None:
    appointment = book(database, service="ausweis", at=clock.now(), now=clock.now())
    clock.advance(timedelta(minutes=16))
    ticket = show_up(database, appointment.code, clock.now())
    assert ticket.priority == 0
    with database.transaction() as session:
        stored = session.get(Appointment, appointment.id)
        assert stored is not None and stored.late and stored.status == AppointmentStatus.checked_in


def test_too_late_is_refused_when_the_site_says_so(database: Database, clock: ManualClock) -> None:
    _rules(database, too_late="refuse")
    appointment = book(database, service="ausweis", at=clock.now(), now=clock.now())
    clock.advance(timedelta(minutes=14))
    on_time = book(database, service="ausweis", at=clock.now() - timedelta(minutes=14), now=clock.now())
    assert show_up(database, on_time.code, clock.now()).priority > 0  # still inside the late limit
    clock.advance(timedelta(minutes=2))
    with pytest.raises(Conflict) as refused:
        show_up(database, appointment.code, clock.now())
    assert refused.value.code == "booking_too_late"


def test_used_and_cancelled_codes_are_refused(database: Database, clock: ManualClock) -> None:
    from server.appointments.service import cancel_appointment

    used = book(database, service="anmeldung", at=clock.now(), now=clock.now())
    show_up(database, used.code, clock.now())
    with pytest.raises(Conflict) as again:
        show_up(database, used.code, clock.now())
    assert again.value.code == "booking_used"
    cancelled = book(database, service="anmeldung", at=clock.now(), now=clock.now())
    with database.transaction() as session:
        cancel_appointment(session=session, site_id="demo", code=cancelled.code, now=clock.now(), actor="test")
    with pytest.raises(Conflict) as gone:
        show_up(database, cancelled.code, clock.now())
    assert gone.value.code == "booking_cancelled"


def test_nobody_checked_in_is_recorded_as_no_show_on_call_next(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    missed = book(database, service="anmeldung", at=clock.now(), now=clock.now())
    later = book(database, service="anmeldung", at=clock.now() + timedelta(hours=2), now=clock.now())
    clock.advance(timedelta(minutes=16))
    assert serve_next(database, clock, clerk, "2") is None  # call-next runs the sweep first
    with database.transaction() as session:
        statuses = {a.id: a.status for a in session.exec(select(Appointment)).all()}
        events = session.exec(select(EventRecord).where(EventRecord.type == "appointment.no_show")).all()
    assert statuses == {missed.id: AppointmentStatus.no_show, later.id: AppointmentStatus.booked}
    assert len(events) == 1 and events[0].data["appointment"] == missed.id
    assert "code" not in events[0].data  # the code admits at the kiosk; events are public


def test_a_walk_in_is_not_starved_by_a_stream_of_appointments(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    walk_in = draw(database, clock, "standesamt")
    served: list[str | None] = []
    for _ in range(30):
        appointment = book(database, service="standesamt", at=clock.now(), now=clock.now())
        show_up(database, appointment.code, clock.now())
        clock.advance(timedelta(minutes=10))
        served.append(serve_next(database, clock, clerk, "8"))
        if walk_in in served:
            break
    # Target 30 min with a head start of two targets: called once it has waited about 60-70 minutes.
    assert walk_in in served
    assert 4 <= len(served) <= 8


def test_a_transferred_ticket_keeps_its_place_in_time(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    first = draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=5))
    draw(database, clock, "ausweis")
    clock.advance(timedelta(minutes=5))
    with database.transaction() as session:
        called = counters.call_next(
            session=session, counter_id="2", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
        )
        assert called is not None and called.number == first
        counters.transfer(
            session=session, counter_id="2", service_key="ausweis", note=None, clerk=clerk, now=clock.now(),
            public_url=PUBLIC_URL,
        )
    assert serve_next(database, clock, clerk, "5") == first  # queued 5 minutes before P001


def test_a_parked_ticket_keeps_its_original_time(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    number = draw(database, clock, "anmeldung")
    with database.transaction() as session:
        queued = session.exec(select(Ticket).where(Ticket.number == number)).one().queued_at
        counters.call_next(session=session, counter_id="2", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
    clock.advance(timedelta(minutes=3))
    with database.transaction() as session:
        counters.park(session=session, counter_id="2", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
    clock.advance(timedelta(minutes=3))
    with database.transaction() as session:
        back = counters.call_number(
            session=session, counter_id="2", number=number, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
        )
        assert back.queued_at == queued
