"""Set up the office, serve it on a virtual clock, run the day and report."""

from __future__ import annotations

import secrets
import tempfile
import time as timer
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from server.clock import ManualClock
from server.demo import EXAMPLE_OFFICE
from server.office.loading import load_office
from server.simulation.driver import DayLog, Office, simulate_day
from server.simulation.report import Report, build_report
from server.simulation.scenario import Scenario
from server.simulation.server import serve, staffed_office


def run_simulation(scenario: Scenario, *, office_file: Path = EXAMPLE_OFFICE, data_dir: Path | None = None) -> Report:
    """Simulate one day of the office's first site through the real server and report on it."""
    started = timer.perf_counter()
    office = load_office(office_file)
    site = office.sites[0]
    kiosk_token = secrets.token_urlsafe(32)
    staffed = staffed_office(office, kiosk_token=kiosk_token, counters=[c.id for c in site.counters])
    zone = ZoneInfo(site.timezone)
    clock = ManualClock(datetime.combine(scenario.day, time(7, 0), tzinfo=zone))
    with tempfile.TemporaryDirectory(prefix="aufruf-sim-") as scratch:
        directory = data_dir or Path(scratch)
        with serve(office=staffed, clock=clock, data_dir=directory) as url:
            client = Office(base_url=url, site=site.id, kiosk_token=kiosk_token, clock=clock, log=DayLog())
            try:
                hours = {str(day): periods for day, periods in site.opening_hours.items()}
                log = simulate_day(scenario=scenario, office=client, opening_hours=hours, zone=zone)
            finally:
                client.close()
    report = build_report(log=log, seed=scenario.seed, day=scenario.day.isoformat())
    report.seconds = round(timer.perf_counter() - started, 2)
    return report

