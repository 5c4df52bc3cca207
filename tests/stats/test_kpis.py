"""KPIs of a seeded day and week, against figures worked out by hand (see scenario.seed_day)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.db import Database
from server.stats.kpis import DailyKpis, daily_kpis, weekly_kpis
from tests.stats.scenario import DAY, NEXT_DAY, Office, seed_day

LATER = datetime(2026, 12, 1, tzinfo=UTC)


def day_report(database: Database) -> DailyKpis:
    with database.transaction() as session:
        return daily_kpis(session=session, site_id="demo", day=DAY, now=LATER)


@pytest.fixture
def report(office: Office, database: Database) -> DailyKpis:
    seed_day(office)
    return day_report(database)


def test_day_totals(report: DailyKpis) -> None:
    # Six tickets drawn on the 24th (A005 at 23:25 included, the next day's A001 not).
    assert (report.issued, report.served, report.no_show, report.cancelled, report.still_open) == (6, 4, 1, 1, 0)
    assert report.no_show_rate == 0.2  # 1 no-show / (4 served + 1 no-show)
    # Waits of called tickets: 10, 15, 20, 30, 35 → median 20; p90 at rank 0.9·4 = 3.6 → 30 + 0.6·5 = 33.
    assert (report.wait_minutes_median, report.wait_minutes_p90) == (20.0, 33.0)
    # Service times 10, 5, 20, 5 → median 7.5, mean 10.
    assert (report.service_minutes_median, report.service_minutes_mean) == (7.5, 10.0)
    # Within target: A001 20≤30, A004 10≤30, A005 30≤30 yes; F001 15>10, A002 35>30 no → 3/5.
    assert report.within_target_share == 0.6
    # No appointments exist in this log yet: every ticket is a walk-in.
    assert (report.appointments, report.walk_ins) == (0, 6)
    assert report.by_service == {"anmeldung": 5, "fuehrungszeugnis": 1}


def test_per_service(report: DailyKpis) -> None:
    rows = {row.key: row for row in report.services}
    assert list(rows) == ["anmeldung", "fuehrungszeugnis"]
    a = rows["anmeldung"]
    assert (a.issued, a.served, a.no_show, a.cancelled) == (5, 3, 1, 1)
    # Waits 20, 35, 10, 30 → median 25; p90 at rank 2.7 of [10, 20, 30, 35] → 30 + 0.7·5 = 33.5.
    assert (a.wait_minutes_median, a.wait_minutes_p90, a.within_target_share) == (25.0, 33.5, 0.75)
    assert (a.service_minutes_median, a.no_show_rate) == (10.0, 0.25)
    f = rows["fuehrungszeugnis"]
    assert (f.issued, f.served, f.wait_minutes_median, f.within_target_share, f.service_minutes_median) == (
        1, 1, 15.0, 0.0, 5.0,
    )
    assert f.label == "Führungszeugnis"


def test_per_counter(report: DailyKpis) -> None:
    rows = {row.key: row for row in report.counters}
    assert list(rows) == ["1", "2"]
    assert (rows["2"].issued, rows["2"].served, rows["2"].no_show) == (4, 3, 1)
    assert (rows["1"].issued, rows["1"].served, rows["1"].label) == (1, 1, "Schalter 1 (Schnellschalter)")


def test_per_hour_by_local_wall_clock(report: DailyKpis) -> None:
    assert len(report.hours) == 24
    issued = {row.label: row.issued for row in report.hours if row.issued}
    assert issued == {"08:00": 3, "09:00": 2, "23:00": 1}
    late = next(row for row in report.hours if row.label == "23:00")
    assert (late.served, late.wait_minutes_median) == (1, 30.0)


def test_staffing_plan(report: DailyKpis) -> None:
    hours = {hour.hour: hour for hour in report.staffing}
    eight = hours["08:00"]
    # 3 arrivals; measured service 10 and 5 → 7.5 min; target (30+30+10)/3; load 3·7.5/60 = 0.375 Erlang.
    assert (eight.arrivals, eight.service_minutes, eight.target_wait_minutes, eight.load_erlang) == (
        3, 7.5, 23.33, 0.375,
    )
    # M/M/1: P(wait) = 0.375; P(W ≤ 23.33) = 1 − 0.375·e^(−0.625·23.33/7.5) = 0.9463 ≥ 0.8 → one counter.
    assert (eight.counters_needed, eight.service_level_needed) == (1, 0.9463)
    # Counter 2 open 08:20–09:51 (its last change that day), counter 1 08:25–08:30: 40 + 5 minutes of 60.
    assert (eight.counters_open, eight.counters_calling) == (0.75, 2)
    assert eight.gap == -0.25
    # Beside the plan, what happened: waits of 20, 35 and 15 minutes; only A001's within its target.
    assert (eight.backlog_in, eight.wait_minutes_median, eight.within_target_share_actual) == (0.0, 20.0, 0.3333)
    nine = hours["09:00"]
    # A004 served 20 min (A003 cancelled): load 2·20/60; counter 2 open 51 minutes.
    assert (nine.arrivals, nine.service_minutes, nine.counters_open, nine.counters_calling) == (2, 20.0, 0.85, 1)
    assert nine.counters_needed == 2  # load 0.667 with one counter: 1 − 0.667·e^(−0.333·30/20) = 0.597 < 0.8
    assert hours["12:00"].counters_needed == 0 and hours["12:00"].counters_open == 0


def test_next_day_keeps_its_own_tickets(office: Office, database: Database) -> None:
    seed_day(office)
    with database.transaction() as session:
        after = daily_kpis(session=session, site_id="demo", day=NEXT_DAY, now=LATER)
    assert (after.issued, after.still_open) == (1, 1)
    assert after.wait_minutes_median is None and after.within_target_share is None


def test_week(office: Office, database: Database) -> None:
    seed_day(office)
    with database.transaction() as session:
        week = weekly_kpis(session=session, site_id="demo", day=DAY)
    assert (week.week, week.start.isoformat(), week.end.isoformat()) == ("2024-W48", "2024-11-25", "2024-12-01")
    assert [row.issued for row in week.days] == [0, 6, 1, 0, 0, 0, 0]
    assert (week.issued, week.served, week.still_open) == (7, 4, 1)
    assert week.wait_minutes_median == 20.0


def test_paused_counter_is_not_open(office: Office, database: Database) -> None:
    office.draw("anmeldung", datetime(2024, 11, 26, 7, 0, tzinfo=UTC))  # 08:00 local
    office.act("call_next", "3", datetime(2024, 11, 26, 7, 0, tzinfo=UTC))
    office.act("finish", "3", datetime(2024, 11, 26, 7, 15, tzinfo=UTC))
    office.act("pause", "3", datetime(2024, 11, 26, 7, 30, tzinfo=UTC))
    report = day_report(database)
    assert next(h for h in report.staffing if h.hour == "08:00").counters_open == 0.5
