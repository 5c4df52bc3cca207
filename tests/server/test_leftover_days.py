"""Call-next ends earlier days' leftovers: on a day's first call, and on any later one that could still find some."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from server.auth.models import Clerk
from server.clock import ManualClock
from server.closing.service import close_due
from server.db import Database
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from tests.support.service_calls import PUBLIC_URL, draw, serve_next

TUESDAY = date(2026, 11, 24)
WEDNESDAY_MIDNIGHT = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # in Berlin


def _status(database: Database, number: str, day: date) -> str:
    with database.read() as session:
        return session.exec(select(Ticket).where(Ticket.number == number, Ticket.business_day == day)).one().status


def _move_to(database: Database, number: str, day: date) -> None:
    """Put a waiting ticket on an earlier day, as if its issuing transaction had committed after midnight."""
    with database.transaction() as session:
        session.execute(update(Ticket).where(col(Ticket.number) == number).values(business_day=day))


def test_the_first_call_of_a_day_ends_what_the_day_before_left_waiting(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    served, left = draw(database, clock, "anmeldung"), draw(database, clock, "anmeldung")
    assert serve_next(database, clock, clerk, "2") == served
    clock.advance(timedelta(days=1))
    assert serve_next(database, clock, clerk, "2") is None
    assert _status(database, left, TUESDAY) == TicketStatus.expired


def test_a_leftover_committed_in_a_days_first_minute_is_ended_by_a_later_call(
    database: Database, clerk: Clerk
) -> None:
    clock = ManualClock(WEDNESDAY_MIDNIGHT + timedelta(seconds=30))
    assert serve_next(database, clock, clerk, "2") is None  # nothing from Tuesday is open yet
    late = draw(database, clock, "anmeldung")
    _move_to(database, late, TUESDAY)
    clock.advance(timedelta(minutes=5))
    assert serve_next(database, clock, clerk, "2") is None
    assert _status(database, late, TUESDAY) == TicketStatus.expired


def test_the_periodic_check_looks_at_earlier_days_again_after_a_call(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    assert serve_next(database, clock, clerk, "2") is None
    stray = draw(database, clock, "anmeldung")
    _move_to(database, stray, TUESDAY - timedelta(days=1))
    with database.transaction() as session:
        expired = close_due(
            session=session, site_id="demo", now=clock.now(), grace_minutes=30, public_url=PUBLIC_URL, recheck=True
        )
    assert expired == 1
    assert _status(database, stray, TUESDAY - timedelta(days=1)) == TicketStatus.expired
