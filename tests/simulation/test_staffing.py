"""Counters that left early on a recent same weekday: which count as leaving, and how the replay uses it."""

from __future__ import annotations

import pytest

from server.forecast.replay import Arrivals, Desk, Job, replay
from server.forecast.staffing import CounterChange, departures, staffing_of

CLOSES = 12 * 60


def test_a_counter_stopped_without_an_end_well_before_closing_left_for_the_day() -> None:
    changes = [
        CounterChange("1", 8 * 60, stopped=False),
        CounterChange("2", 8 * 60, stopped=False),
        CounterChange("3", 8 * 60, stopped=False),
        CounterChange("4", 8 * 60, stopped=False),
        CounterChange("1", 10 * 60 + 30, stopped=True),  # left at 10:30
        CounterChange("2", 9 * 60, stopped=False),  # a break with its end: paused, then back
        CounterChange("3", 9 * 60 + 30, stopped=True),  # stopped, but came back
        CounterChange("3", 10 * 60, stopped=False),
        CounterChange("4", 11 * 60 + 50, stopped=True),  # closing with the office
        CounterChange("5", 9 * 60, stopped=True),  # never served that day
    ]
    assert departures(changes, closes=CLOSES) == {"1": 10 * 60 + 30}


def test_the_replay_calls_nobody_at_a_counter_after_its_clerk_leaves() -> None:
    # Two counters, three citizens of ten minutes each; the second counter leaves after 5 minutes.
    jobs = [Job(("ticket", n), 1, -n) for n in (3, 2, 1)]
    staying = [Desk(free_at=0.0, order=0, ranks={1: 0}), Desk(free_at=0.0, order=1, ranks={1: 0})]
    calls = replay(desks=staying, jobs=jobs, targets={1: 20}, durations={1: 10.0})
    assert sorted(calls.values()) == pytest.approx([0.0, 0.0, 10.0])
    leaving = [Desk(free_at=0.0, order=0, ranks={1: 0}), Desk(free_at=0.0, order=1, ranks={1: 0}, until=5.0)]
    calls = replay(desks=leaving, jobs=jobs, targets={1: 20}, durations={1: 10.0})
    assert sorted(calls.values()) == pytest.approx([0.0, 0.0, 10.0])
    # It finishes the case it has, but the third citizen waits for the first counter either way; with a
    # fourth the difference shows: 10 minutes with both counters, 20 with one.
    jobs.append(Job(("ticket", 0), 1, 0.0))
    assert max(replay(desks=staying, jobs=jobs, targets={1: 20}, durations={1: 10.0}).values()) == pytest.approx(10.0)
    assert max(replay(desks=leaving, jobs=jobs, targets={1: 20}, durations={1: 10.0}).values()) == pytest.approx(20.0)


def test_a_pause_with_a_known_end_is_a_break_expected_again() -> None:
    changes = [
        CounterChange("1", 8 * 60, stopped=False),
        CounterChange("1", 9 * 60 + 15, stopped=False, resumes=9 * 60 + 40),
        CounterChange("1", 9 * 60 + 40, stopped=False),
    ]
    staffing = staffing_of(changes, closes=CLOSES)
    assert staffing.breaks == {"1": [(9 * 60 + 15, 9 * 60 + 40)]} and staffing.leaves == {}


def test_the_replay_calls_nobody_at_a_counter_during_its_expected_break() -> None:
    # One counter, two citizens of ten minutes; a break from minute 5 to 25: the second is called after it.
    jobs = [Job(("ticket", 1), 1, -2.0), Job(("ticket", 2), 1, -1.0)]
    plain = replay(desks=[Desk(free_at=0.0, order=0, ranks={1: 0})], jobs=jobs, targets={1: 20}, durations={1: 10.0})
    assert plain[("ticket", 2)] == pytest.approx(10.0)
    resting = Desk(free_at=0.0, order=0, ranks={1: 0}, off=((5.0, 25.0),))
    calls = replay(desks=[resting], jobs=jobs, targets={1: 20}, durations={1: 10.0})
    assert calls[("ticket", 2)] == pytest.approx(25.0)


def test_a_counter_paused_then_closed_left_when_it_paused() -> None:
    changes = [
        CounterChange("2", 9 * 60, stopped=False),
        CounterChange("2", 14 * 60 + 43, stopped=True),  # paused without an end: gone
        CounterChange("2", 16 * 60 + 40, stopped=True),  # closed when the clerk's session ended
    ]
    assert departures(changes, closes=18 * 60) == {"2": 14 * 60 + 43}


def test_expected_walk_ins_at_given_moments_come_as_a_crowd() -> None:
    # One counter, one citizen of the other line waiting; a crowd of three quick matters expected within a
    # minute overtakes by urgency (short target), where the same three spread over the hour would not.
    waiting = [Job(("ticket", 1), 2, 0.0)]
    crowd = Arrivals(service_pk=1, gap=20.0, horizon=60.0, moments=(0.2, 0.4, 0.6))
    spread = Arrivals(service_pk=1, gap=20.0, horizon=60.0)
    desk = [Desk(free_at=1.0, order=0, ranks={1: 0, 2: 0})]
    targets, durations = {1: 2, 2: 60}, {1: 3.0, 2: 10.0}
    late = replay(desks=desk, jobs=waiting, targets=targets, durations=durations, arrivals=[crowd])
    early = replay(desks=desk, jobs=waiting, targets=targets, durations=durations, arrivals=[spread])
    assert early[("ticket", 1)] == pytest.approx(1.0)
    assert late[("ticket", 1)] == pytest.approx(1.0 + 3 * 3.0)
