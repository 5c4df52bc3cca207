"""Call-next: longest wait relative to target, counter preferences, and no starving line."""

from __future__ import annotations

from datetime import timedelta

from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.tickets.service import issue_ticket
from tests.server.conftest import PUBLIC_URL


def _draw(database: Database, clock: ManualClock, service: str) -> str:
    with database.transaction() as session:
        ticket, _ = issue_ticket(
            session=session,
            site_id="demo",
            service_key=service,
            language="de",
            now=clock.now(),
            actor="test",
            public_url=PUBLIC_URL,
        )
        return ticket.number


def _serve_next(database: Database, clock: ManualClock, clerk: Clerk, counter: str) -> str | None:
    with database.transaction() as session:
        ticket = counters.call_next(
            session=session, counter_id=counter, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
        )
        if ticket is None:
            return None
        counters.finish(session=session, counter_id=counter, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
        return ticket.number


def test_within_one_service_first_come_first_served(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    for _ in range(3):
        _draw(database, clock, "ausweis")
        clock.advance(timedelta(minutes=1))
    assert [_serve_next(database, clock, clerk, "3") for _ in range(4)] == ["P001", "P002", "P003", None]


def test_waiting_is_weighed_against_each_services_target(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    # Counter 2 serves anmeldung (target 30 min) first, meldebescheinigung (target 10 min) as third choice.
    _draw(database, clock, "meldebescheinigung")
    clock.advance(timedelta(minutes=10))
    _draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=20))
    # M001 waited three times its target, A001 two thirds of its: the third choice comes first.
    assert _serve_next(database, clock, clerk, "2") == "M001"
    assert _serve_next(database, clock, clerk, "2") == "A001"


def test_the_express_counter_prefers_express_matters(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    _draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=1))
    _draw(database, clock, "fuehrungszeugnis")
    clock.advance(timedelta(minutes=1))
    assert _serve_next(database, clock, clerk, "1") == "F001"


def test_no_line_starves(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    """A steady stream of express tickets cannot keep a registration waiting for ever at counter 1."""
    _draw(database, clock, "anmeldung")
    served: list[str] = []
    for _ in range(40):
        _draw(database, clock, "fuehrungszeugnis")
        clock.advance(timedelta(minutes=3))
        number = _serve_next(database, clock, clerk, "1")
        assert number is not None
        served.append(number)
        if number == "A001":
            break
    assert "A001" in served
    assert len(served) < 40


def test_a_counter_only_calls_services_it_may_serve(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    _draw(database, clock, "standesamt")
    assert _serve_next(database, clock, clerk, "6") is None
    assert _serve_next(database, clock, clerk, "8") == "S001"
