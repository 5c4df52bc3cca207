"""Counters that left early on a recent same weekday: which count as leaving, and how the replay uses it."""

from __future__ import annotations

import pytest

from server.forecast.replay import Desk, Job, replay
from server.forecast.staffing import CounterChange, departures

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
