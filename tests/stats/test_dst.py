"""Days and hour buckets across the DST switches in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime

from server.db import Database
from server.stats.kpis import daily_kpis
from server.stats.periods import day_bounds, hour_buckets
from tests.stats.scenario import Office, at

SPRING = date(2026, 3, 29)  # 02:00 CET → 03:00 CEST: 23 hours
AUTUMN = date(2026, 10, 25)  # 03:00 CEST → 02:00 CET: 25 hours
LATER = datetime(2026, 12, 1, tzinfo=UTC)


def test_day_lengths_and_labels() -> None:
    spring = [bucket.label for bucket in hour_buckets("Europe/Berlin", SPRING)]
    assert len(spring) == 23 and spring[:3] == ["00:00", "01:00", "03:00"] and "02:00" not in spring
    autumn = [bucket.label for bucket in hour_buckets("Europe/Berlin", AUTUMN)]
    assert len(autumn) == 25
    assert autumn[:5] == ["00:00", "01:00", "02:00 CEST", "02:00 CET", "03:00"]
    assert autumn[-1] == "23:00"
    start, end = day_bounds("Europe/Berlin", AUTUMN)
    assert (start, end) == (datetime(2026, 10, 24, 22, tzinfo=UTC), datetime(2026, 10, 25, 23, tzinfo=UTC))


def test_spring_day_buckets(office: Office, database: Database) -> None:
    office.draw("anmeldung", at(SPRING, "01:30"))  # 00:30 UTC
    office.draw("anmeldung", at(SPRING, "03:30"))  # 01:30 UTC, one real hour later
    office.draw("anmeldung", at(SPRING, "23:59"))
    office.draw("anmeldung", datetime(2026, 3, 29, 22, 0, tzinfo=UTC))  # 00:00 CEST on the 30th
    with database.transaction() as session:
        report = daily_kpis(session=session, site_id="demo", day=SPRING, now=LATER)
    assert report.issued == 3
    issued = {row.label: row.issued for row in report.hours if row.issued}
    assert issued == {"01:00": 1, "03:00": 1, "23:00": 1}
    assert [hour.hour for hour in report.staffing][2] == "03:00"


def test_autumn_day_keeps_both_two_oclock_hours_apart(office: Office, database: Database) -> None:
    office.draw("anmeldung", datetime(2026, 10, 24, 22, 10, tzinfo=UTC))  # 00:10 CEST
    office.draw("anmeldung", at(AUTUMN, "02:30", fold=0))  # 02:30 CEST = 00:30 UTC
    office.draw("anmeldung", at(AUTUMN, "02:40", fold=1))  # 02:40 CET = 01:40 UTC
    office.draw("anmeldung", at(AUTUMN, "02:50", fold=1))
    office.draw("anmeldung", at(AUTUMN, "23:30"))  # 22:30 UTC, still the 25th
    office.act("call_next", "2", at(AUTUMN, "02:35", fold=1))  # A001 waited 02:25 of wall clock = 3h25
    with database.transaction() as session:
        report = daily_kpis(session=session, site_id="demo", day=AUTUMN, now=LATER)
    assert report.issued == 5
    issued = {row.label: row.issued for row in report.hours if row.issued}
    assert issued == {"00:00": 1, "02:00 CEST": 1, "02:00 CET": 2, "23:00": 1}
    # Real elapsed time, not wall-clock difference: 00:10 CEST → 02:35 CET is 3 h 25 min.
    assert report.wait_minutes_median == 205.0
    staffing = {hour.hour: hour.arrivals for hour in report.staffing}
    assert (staffing["02:00 CEST"], staffing["02:00 CET"]) == (1, 2)
