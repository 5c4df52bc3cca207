"""The forecast's rules on hand-made cases: which counters count, the express counter, the calibration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.calibration.conformal import conformal_bounds, shortest_bounds
from server.calibration.errors import Calibration, Outcome, calibration_from
from server.counters.models import Counter, CounterStatus
from server.estimates import Arrivals, Desk, Job, counted_counters, replay
from server.tickets.call_rules import LineHead, call_order

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
QUICK, OTHER = 1, 2
TARGETS = {QUICK: 10, OTHER: 30}
DURATIONS = {QUICK: 3.0, OTHER: 10.0}


def _counter(key: str, status: CounterStatus, paused_until: datetime | None = None) -> Counter:
    return Counter(id=key, site_id="mitte", key=key, name=key, status=status, paused_until=paused_until)


def test_a_break_with_a_known_end_counts_from_its_end() -> None:
    counters = [
        _counter("1", CounterStatus.open),
        _counter("2", CounterStatus.paused, NOW + timedelta(minutes=15)),
        _counter("3", CounterStatus.paused),  # no end known: the clerk may be gone for the day
        _counter("4", CounterStatus.closed),
        _counter("5", CounterStatus.paused, NOW - timedelta(minutes=2)),  # overdue: back any moment
    ]
    counted = {counter.id: minutes for counter, minutes in counted_counters(counters, NOW)}
    assert counted == pytest.approx({"1": 0.0, "2": 15.0, "5": 0.0})


def _other_waiting(joined: float) -> Job:
    return Job(("ticket", 1), OTHER, joined)


def test_an_express_counter_waits_for_a_quick_citizen_due_before_it_would_be_done() -> None:
    # One walk-in of the other service waits; a quick citizen is expected in 2 minutes, sooner than the
    # 10 minutes the other case would take: the express counter keeps free for them, then takes the other.
    coming = [Arrivals(service_pk=QUICK, gap=2.0, horizon=3.0)]
    desk = Desk(free_at=0.0, order=0, ranks={QUICK: 0, OTHER: 1}, express=True)
    calls = replay(
        desks=[desk], jobs=[_other_waiting(0.0)], targets=TARGETS, durations=DURATIONS, arrivals=coming,
        express=frozenset({QUICK}), takes_others_at=0.8,
    )
    assert calls[("ticket", 1)] == pytest.approx(2.0 + 3.0)  # after the quick citizen's 3 minutes
    # An ordinary counter with the same preferences calls the waiting citizen at once.
    ordinary = Desk(free_at=0.0, order=0, ranks={QUICK: 0, OTHER: 1})
    calls = replay(
        desks=[ordinary], jobs=[_other_waiting(0.0)], targets=TARGETS, durations=DURATIONS, arrivals=coming,
        express=frozenset({QUICK}), takes_others_at=0.8,
    )
    assert calls[("ticket", 1)] == pytest.approx(0.0)


def test_an_express_counter_takes_another_line_once_its_head_has_waited_its_share() -> None:
    # 25 of 30 target minutes waited is past 0.8 of the target: the express counter takes them now.
    coming = [Arrivals(service_pk=QUICK, gap=2.0, horizon=3.0)]
    desk = Desk(free_at=0.0, order=0, ranks={QUICK: 0, OTHER: 1}, express=True)
    calls = replay(
        desks=[desk], jobs=[_other_waiting(-25.0)], targets=TARGETS, durations=DURATIONS, arrivals=coming,
        express=frozenset({QUICK}), takes_others_at=0.8,
    )
    assert calls[("ticket", 1)] == pytest.approx(0.0)


def test_a_walk_in_who_may_give_up_holds_the_counter_for_the_share_who_stay() -> None:
    desk = Desk(free_at=0.0, order=0, ranks={OTHER: 0})
    jobs = [Job(("ticket", 1), OTHER, -5.0, weight=0.6), Job(("ticket", 2), OTHER, -1.0)]
    calls = replay(desks=[desk], jobs=jobs, targets=TARGETS, durations=DURATIONS)
    assert calls[("ticket", 2)] == pytest.approx(0.6 * 10.0)


def test_the_narrowest_split_leaves_the_long_tail_its_misses() -> None:
    errors = [float(n) for n in range(16)] + [30.0, 60.0, 90.0]  # 19 errors, three far above
    # Level 0.8 with n = 19: leaving 0.04 below takes the 1st smallest and the ceil(20 × 0.84) = 17th.
    assert shortest_bounds(errors, 0.8) == (0.0, 30.0)
    assert conformal_bounds(errors, 0.8)[1] >= 60.0  # the even split reaches into the far tail


def test_calibration_takes_the_lines_errors_of_the_same_hour_band_first() -> None:
    calibration = Calibration()
    calibration.lines[OTHER] = [(9, 0.1 * n) for n in range(1, 21)] + [(8, -0.1 * n) for n in range(1, 21)]
    nine = calibration.bounds(service_pk=OTHER, appointment=False, level=0.8, band=9)
    eight = calibration.bounds(service_pk=OTHER, appointment=False, level=0.8, band=8)
    assert nine is not None and eight is not None
    assert nine[0] > 0 and eight[1] < 0
    # A band the line has no errors in: its other errors, newest first, 20 of them (all from 09:00).
    assert calibration.bounds(service_pk=OTHER, appointment=False, level=0.8, band=14) == nine


def _outcome(minutes_ago: float, *, expected: float, waited: float | None, **kwargs: object) -> Outcome:
    issued = NOW - timedelta(minutes=minutes_ago)
    called = None if waited is None else issued + timedelta(minutes=waited)
    return Outcome(service_pk=OTHER, appointment=False, issued_at=issued, expected=expected, scale=10.0,
                   called_at=called, waiting=waited is None, **kwargs)  # type: ignore[arg-type]


def test_a_recalled_or_transferred_ticket_teaches_the_calibration_nothing() -> None:
    # The database keeps the last call: a parked citizen called back an hour later did not wait an hour.
    outcomes = [
        _outcome(90, expected=10.0, waited=70.0, recalled=True),
        _outcome(80, expected=10.0, waited=50.0, transferred=True),
        _outcome(70, expected=10.0, waited=15.0),
    ]
    calibration = calibration_from(outcomes, now=NOW, band=lambda moment: moment.hour)
    assert [error for _, error in calibration.lines[OTHER]] == pytest.approx([0.5])


def test_a_ticket_still_waiting_counts_once_it_is_overdue_and_as_late_as_it_is() -> None:
    outcomes = [
        _outcome(30, expected=10.0, waited=None),  # 20 minutes past its expected call: at least +2 scales
        _outcome(5, expected=10.0, waited=None),  # not yet due: unknown
        _outcome(40, expected=10.0, waited=8.0),
    ]
    calibration = calibration_from(outcomes, now=NOW, band=lambda moment: moment.hour)
    assert [error for _, error in calibration.lines[OTHER]] == pytest.approx([2.0, -0.2])


def test_the_replay_calls_in_the_order_of_the_routers_call_rule() -> None:
    # Two lines at one ordinary counter: the replay calls first whom `call_order` puts first.
    heads = [
        LineHead(item=OTHER, waited_minutes=20.0, target_minutes=TARGETS[OTHER], rank=0),
        LineHead(item=QUICK, waited_minutes=5.0, target_minutes=TARGETS[QUICK], rank=1),
    ]
    first = call_order(heads, express_counter=False)[0].item
    desk = Desk(free_at=0.0, order=0, ranks={OTHER: 0, QUICK: 1})
    jobs = [Job(("ticket", OTHER), OTHER, -20.0), Job(("ticket", QUICK), QUICK, -5.0)]
    calls = replay(desks=[desk], jobs=jobs, targets=TARGETS, durations=DURATIONS)
    assert calls[("ticket", first)] == 0.0
    # 20 of 30 minutes at the counter's first choice (score 1.67) before 5 of 10 at its second (1.5 / 1.5).
    assert first == OTHER
    assert calls[("ticket", QUICK)] == pytest.approx(DURATIONS[OTHER])
