"""Serve the scenario's office on a virtual clock, run every day through it and report."""

from __future__ import annotations

import secrets
import tempfile
import time as timer
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from server.clock import ManualClock
from server.simulation.baselines import LineWatch
from server.simulation.driver import DayLog, Office, simulate_day
from server.simulation.loading import Loaded
from server.simulation.report import Report, build_report
from server.simulation.server import serve, staffed_office


def simulated_minutes(loaded: Loaded) -> float:
    """Roughly how many simulated minutes a run covers, for a progress bar."""
    total = 0.0
    for plan in loaded.scenario.days:
        shifts = plan.shifts if plan.shifts is not None else loaded.scenario.shifts
        last = max(s.end for s in shifts)
        total += (datetime.combine(plan.date, time.fromisoformat(last))
                  - datetime.combine(plan.date, time(7, 0))).total_seconds() / 60
    return total


def run_scenario(
    loaded: Loaded, *, seed: int, progress: Callable[[float], None] = lambda _: None, data_dir: Path | None = None
) -> tuple[Report, list[DayLog]]:
    """Simulate every day of the scenario with one seed through one real server, one database."""
    started = timer.perf_counter()
    scenario, office = loaded.scenario, loaded.office
    tokens = {site.id: secrets.token_urlsafe(32) for site in office.sites}
    staffed = staffed_office(office, kiosk_tokens=tokens)
    first = loaded.site_of(scenario.days[0])
    clock = ManualClock(datetime.combine(scenario.days[0].date, time(6, 0), tzinfo=ZoneInfo(first.timezone)))
    typical = {s.id: s.typical_service_minutes for site in office.sites for s in site.services}
    logs: list[DayLog] = []
    with (
        tempfile.TemporaryDirectory(prefix="aufruf-sim-") as scratch,
        serve(office=staffed, clock=clock, data_dir=data_dir or Path(scratch)) as (url, settled),
    ):
        client = Office(base_url=url, kiosk_tokens=tokens, clock=clock, settled=settled)
        # Per site: lines are watched apart, like the server keeps them.
        watches = {site.id: LineWatch(typical) for site in office.sites}
        try:
            for plan in sorted(scenario.days, key=lambda p: p.date):
                site = loaded.site_of(plan)
                logs.append(simulate_day(
                    scenario=scenario, plan=plan, site=site, office=client, seed=seed,
                    watch=watches[site.id], progress=progress,
                ))
        finally:
            client.close()
    report = build_report(scenario=scenario.name, seed=seed, logs=logs)
    report.seconds = round(timer.perf_counter() - started, 1)
    return report, logs
