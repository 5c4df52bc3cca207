"""A busy morning through the real server: the express services reach their target at least as often as the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.simulation.driver import DayLog
from server.simulation.loading import load_scenario
from server.simulation.run import run_scenario

RUSH = Path(__file__).with_name("express-rush.toml")


def within_target(log: DayLog, services: set[str], *, express: bool) -> tuple[float, int]:
    """Share of the called tickets of the express (or the other) services that were called within their target."""
    waits = [
        (wait, t.target_minutes)
        for t in log.tickets
        if (t.service in services) == express and (wait := t.wait_minutes) is not None
    ]
    return sum(1 for wait, target in waits if wait <= target) / len(waits), len(waits)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("seed", [3, 11])
def test_in_a_busy_morning_the_express_services_meet_their_target_at_least_as_often(seed: int) -> None:
    loaded = load_scenario(RUSH)
    site = loaded.office.sites[0]
    express = {s.id for s in site.services if s.express}
    _, logs = run_scenario(loaded, seed=seed)
    day = logs[-1]
    quick, quick_called = within_target(day, express, express=True)
    normal, normal_called = within_target(day, express, express=False)
    print(f"seed {seed}: express {quick:.0%} of {quick_called}, normal {normal:.0%} of {normal_called}")
    assert quick_called >= 25 and normal_called >= 40  # both groups really were served
    assert normal < 0.8  # a busy morning: the long lines do miss their target
    assert quick >= normal
    # The express counter (1) never called a longer matter while a quick citizen was waiting.
    for ticket in day.tickets:
        if ticket.called_by == "1" and ticket.service not in express and ticket.called_at is not None:
            moment = ticket.called_at
            waiting = [
                q.number for q in day.tickets
                if q.service in express and q.drawn_at < moment and (q.called_at is None or q.called_at > moment)
            ]
            assert waiting == [], f"{ticket.number} called at {moment:%H:%M} while {waiting} waited"
