"""Call-next: longest wait relative to target, counter preferences, and no starving line."""

from __future__ import annotations

from datetime import timedelta

from server.auth.models import Clerk
from server.clock import ManualClock
from server.db import Database
from tests.support.service_calls import draw, serve_next


def test_within_one_service_first_come_first_served(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    for _ in range(3):
        draw(database, clock, "ausweis")
        clock.advance(timedelta(minutes=1))
    assert [serve_next(database, clock, clerk, "3") for _ in range(4)] == ["P001", "P002", "P003", None]


def test_waiting_is_weighed_against_each_services_target(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    # Counter 2 serves anmeldung (target 30 min) first, meldebescheinigung (target 10 min) as third choice.
    draw(database, clock, "meldebescheinigung")
    clock.advance(timedelta(minutes=10))
    draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=20))
    # M001 waited three times its target, A001 two thirds of its: the third choice comes first.
    assert serve_next(database, clock, clerk, "2") == "M001"
    assert serve_next(database, clock, clerk, "2") == "A001"


def test_the_express_counter_prefers_express_matters(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=1))
    draw(database, clock, "fuehrungszeugnis")
    clock.advance(timedelta(minutes=1))
    assert serve_next(database, clock, clerk, "1") == "F001"


def test_no_line_starves(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    """A steady stream of express tickets cannot keep a registration waiting for ever at counter 1."""
    draw(database, clock, "anmeldung")
    served: list[str] = []
    for _ in range(40):
        draw(database, clock, "fuehrungszeugnis")
        clock.advance(timedelta(minutes=3))
        number = serve_next(database, clock, clerk, "1")
        assert number is not None
        served.append(number)
        if number == "A001":
            break
    assert "A001" in served
    assert len(served) < 40


def test_a_counter_only_calls_services_it_may_serve(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    draw(database, clock, "standesamt")
    assert serve_next(database, clock, clerk, "6") is None
    assert serve_next(database, clock, clerk, "8") == "S001"
