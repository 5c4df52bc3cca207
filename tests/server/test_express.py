"""Express counter 1 keeps to quick matters: others only once urgent, or when nothing quick is due."""

from __future__ import annotations

from datetime import timedelta

from server.auth.models import Clerk
from server.clock import ManualClock
from server.db import Database
from tests.support.service_calls import draw, serve_next

# Counter 1 of the demo office: Führungszeugnis, Meldebescheinigung, Abholung (express), then An-/Ummeldung.
# An-/Ummeldung: target 30 min, so 80 % of it is 24 min.


def test_a_young_registration_waits_while_a_quick_matter_waits(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=20))
    draw(database, clock, "abholung")
    # Before, the registration's 20 minutes (2/3 of its target) beat a fresh collection at this counter.
    assert serve_next(database, clock, clerk, "1") == "D001"
    assert serve_next(database, clock, clerk, "1") == "A001"  # nothing quick waits or has been coming


def test_a_registration_past_its_share_of_the_target_is_taken(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    for _ in range(12):  # quick citizens keep coming, so the counter would keep itself free for them
        draw(database, clock, "fuehrungszeugnis")
        assert serve_next(database, clock, clerk, "1") is not None
        clock.advance(timedelta(minutes=5))
    draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=23))
    assert serve_next(database, clock, clerk, "1") is None  # 23 of 30 minutes: below 80 % of the target
    clock.advance(timedelta(minutes=2))
    assert serve_next(database, clock, clerk, "1") == "A001"  # 25 of 30: urgent enough for the express counter


def test_with_quick_citizens_arriving_the_counter_keeps_itself_free(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    for _ in range(12):  # a quick citizen every 5 minutes for the last hour, each served at once
        draw(database, clock, "fuehrungszeugnis")
        assert serve_next(database, clock, clerk, "1") is not None
        clock.advance(timedelta(minutes=5))
    draw(database, clock, "anmeldung")
    clock.advance(timedelta(minutes=2))
    # The next quick citizen is due well within a registration's 9 minutes: the counter stays free for them.
    assert serve_next(database, clock, clerk, "1") is None
    assert serve_next(database, clock, clerk, "2") == "A001"  # an ordinary counter takes it


def test_an_ordinary_counter_steps_in_before_a_quick_line_misses_its_target(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    # Counter 7 serves vehicle registration (target 40 min) first and collections (target 10 min) second.
    draw(database, clock, "kfz")
    draw(database, clock, "kfz")
    clock.advance(timedelta(minutes=13))
    draw(database, clock, "abholung")
    clock.advance(timedelta(minutes=7))
    assert serve_next(database, clock, clerk, "7") == "K001"  # 7 of 10 minutes: the preference still holds
    clock.advance(timedelta(minutes=1))
    # 8 of 10 minutes: the collection no longer waits behind K002's 21 of 40, the counter's first choice.
    assert serve_next(database, clock, clerk, "7") == "D001"
