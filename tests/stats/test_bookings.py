"""Booking figures: booked, came, never came, cancelled, came too late (a walk-in), per day, week and service."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from server.appointments.checkin import check_in
from server.appointments.service import cancel_appointment, create_appointment
from server.appointments.sweep import sweep
from server.db import Database
from server.stats.export import booking_header, booking_rows_of, to_csv
from server.stats.kpis import daily_kpis, weekly_kpis
from tests.stats.scenario import at

DAY = date(2024, 11, 26)
URL = "http://aufruf.test"


def _book(database: Database, service: str, starts: datetime) -> str:
    with database.transaction() as session:
        booked = create_appointment(
            session=session, site_id="demo", service_key=service, starts_at=starts, now=starts - timedelta(days=2),
            actor="test",
        )
        return booked.code


def _seed(database: Database) -> None:
    """Six bookings on the 26th: two on time, one too late (15 min is the limit), two never come, one cancelled."""
    on_time = [_book(database, "ausweis", at(DAY, "09:00")), _book(database, "anmeldung", at(DAY, "09:30"))]
    late = _book(database, "ausweis", at(DAY, "10:00"))
    gone = [_book(database, "ausweis", at(DAY, "10:30")), _book(database, "anmeldung", at(DAY, "11:00"))]
    cancelled = _book(database, "anmeldung", at(DAY, "11:30"))
    _book(database, "ausweis", at(date(2024, 11, 27), "09:00"))  # the next day: only in the week
    with database.transaction() as session:
        for code, moment in zip(on_time, (at(DAY, "08:55"), at(DAY, "09:35")), strict=True):
            check_in(session=session, site_id="demo", code=code, now=moment, actor="test", public_url=URL)
        check_in(session=session, site_id="demo", code=late, now=at(DAY, "10:40"), actor="test", public_url=URL)
        cancel_appointment(session=session, site_id="demo", code=cancelled, now=at(DAY, "08:00"), actor="test")
        sweep(session=session, site_id="demo", now=at(DAY, "18:00"))
    assert gone


def test_day_and_service_figures(database: Database) -> None:
    _seed(database)
    with database.read() as session:
        report = daily_kpis(session=session, site_id="demo", day=DAY, now=at(DAY, "18:00"))
    total = report.bookings
    assert (total.booked, total.came, total.no_show, total.cancelled, total.late_walk_in, total.pending) == (
        6, 3, 2, 1, 1, 0,
    )
    assert total.no_show_share == 0.4  # 2 of the 5 not cancelled
    by_service = {row.key: row for row in report.booking_services}
    assert (by_service["ausweis"].booked, by_service["ausweis"].late_walk_in, by_service["ausweis"].no_show) == (
        4 - 1, 1, 1,
    )
    assert by_service["anmeldung"].no_show_share == 0.5
    # The too-late check-in drew a ticket, but it was served as a walk-in: two appointments, one walk-in.
    assert (report.issued, report.appointments, report.walk_ins) == (3, 2, 1)


def test_week_and_the_csv(database: Database) -> None:
    _seed(database)
    with database.read() as session:
        week = weekly_kpis(session=session, site_id="demo", day=DAY)
    assert [row.booked for row in week.booking_days] == [0, 6, 1, 0, 0, 0, 0]
    assert (week.bookings.booked, week.bookings.pending) == (7, 1)  # the 27th's booking was never swept
    rows = to_csv(booking_rows_of(week, "de"), booking_header("de"), excel_de=True).splitlines()
    assert rows[0] == ("Gruppe;Schlüssel;Bezeichnung;Gebucht;Erschienen;Nicht erschienen;Storniert;"
                       "Zu spät, als Spontankunde bedient;Noch erwartet;Nicht erschienen (Anteil)")
    assert rows[1] == "Standort;demo;2024-W48;7;3;2;1;1;1;0,4"
