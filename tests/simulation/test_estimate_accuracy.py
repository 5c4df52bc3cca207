"""The short CI scenario through the real server: everyone accounted for, the ranges hold, the baselines lose.

The bars are those of docs/estimates.md; the long scenarios are benchmarks (bench/scenarios.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.simulation.loading import load_scenario
from server.simulation.report import INSIDE_BAR, MIN_SERVICE_TICKETS, SERVICE_BAR
from server.simulation.run import run_scenario

SHORT = Path(__file__).with_name("short-morning.toml")


@pytest.mark.timeout(300)
def test_a_short_scenario_meets_the_bars_and_beats_every_baseline() -> None:
    report, logs = run_scenario(load_scenario(SHORT), seed=7)
    print(report.text())
    assert report.unaccounted == []
    reported = next(d for d in report.days if not d.history)
    # The behaviours the scenario asks for did happen, through the server.
    assert reported.outcomes.get("left", 0) > 0  # walk-ins who gave up
    assert reported.appointment_statuses.get("no_show", 0) > 0  # recorded by the server's sweep
    assert all(code for code in reported.refused)
    overall = report.overall
    assert overall is not None and overall.tickets >= 60
    assert overall.median_wait >= 10  # a busy morning, not an empty office
    assert overall.aufruf.inside_share >= INSIDE_BAR
    for service, figures in report.by_service.items():
        if figures.tickets >= MIN_SERVICE_TICKETS:
            assert figures.aufruf.inside_share >= SERVICE_BAR, service
    for name, baseline in overall.baselines.items():
        assert overall.aufruf.interval_score < baseline.interval_score, name
    assert len(logs) == 2 and logs[0].history
