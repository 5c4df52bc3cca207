"""ICS and CSV import: fields, local times, re-import without duplicates, and clear errors for bad files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from server.appointments.bulk import import_bookings
from server.appointments.importing import ImportRefused, parse_file
from server.appointments.models import Appointment, AppointmentStatus
from server.appointments.schemas import ImportResult
from server.clock import ManualClock
from server.db import Database

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Terminvergabe//DE
BEGIN:VEVENT
UID:booking-1@termine.example
DTSTART;TZID=Europe/Berlin:20261124T093000
DTEND;TZID=Europe/Berlin:20261124T094500
SUMMARY:Termin Personalausweis
CATEGORIES:ausweis
ATTENDEE;CN=Erika Mustermann:mailto:erika@example.org
X-AUFRUF-CODE:TERM-1234
END:VEVENT
BEGIN:VEVENT
UID:booking-2@termine.example
DTSTART:20261124T090000Z
SUMMARY:Anmeldung
END:VEVENT
END:VCALENDAR
"""


def _import(
    database: Database, clock: ManualClock, data: str, *, name: str, service: str | None = None
) -> ImportResult:
    rows = parse_file(data.encode(), filename=name, default_service=service)
    with database.transaction() as session:
        return import_bookings(
            session=session, site_id="demo", rows=rows, source=name.rsplit(".", 1)[-1], filename=name,
            now=clock.now(), actor="test",
        )


def test_ics_import_reads_time_zone_service_attendee_and_code(database: Database, clock: ManualClock) -> None:
    result = _import(database, clock, ICS, name="termine.ics", service="anmeldung")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.codes["booking-1@termine.example"] == "TERM-1234"
    with database.transaction() as session:
        first = session.exec(select(Appointment).where(Appointment.external_uid == "booking-1@termine.example")).one()
        second = session.exec(select(Appointment).where(Appointment.external_uid == "booking-2@termine.example")).one()
    assert first.starts_at == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert (first.duration_minutes, first.name, first.email) == (15, "Erika Mustermann", "erika@example.org")
    assert second.service_pk != first.service_pk and second.status == AppointmentStatus.booked
    again = _import(database, clock, ICS, name="termine.ics", service="anmeldung")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = _import(database, clock, ICS.replace("T093000", "T101500"), name="termine.ics", service="anmeldung")
    assert moved.updated == 1


def test_ics_cancellation_cancels_the_booking(database: Database, clock: ManualClock) -> None:
    _import(database, clock, ICS, name="t.ics", service="anmeldung")
    cancelled = ICS.replace("SUMMARY:Anmeldung", "SUMMARY:Anmeldung\nSTATUS:CANCELLED")
    assert _import(database, clock, cancelled, name="t.ics", service="anmeldung").updated == 1
    with database.transaction() as session:
        statuses = sorted(a.status for a in session.exec(select(Appointment)).all())
    assert statuses == ["booked", "cancelled"]


def test_csv_with_german_headings_semicolons_and_dates(database: Database, clock: ManualClock) -> None:
    data = "Datum;Uhrzeit;Dienstleistung;Name;Telefon;Buchungscode\n24.11.2026;10:00;kfz;Max;0301234;\n"
    result = _import(database, clock, data, name="export.csv")
    assert result.created == 1
    with database.transaction() as session:
        stored = session.exec(select(Appointment)).one()
    assert stored.starts_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC) and stored.phone == "0301234"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        ("", "empty.csv", "the file is empty"),
        ("name;email\nA;a@b\n", "x.csv", "no start column"),
        ("start;service\nmorgen;ausweis\n", "x.csv", "line 2: 'morgen' is not a date and time"),
        ("start;service;duration\n2026-11-24 10:00;ausweis;lang\n", "x.csv", "line 2: duration 'lang'"),
        ("start;service\n2026-11-24 10:00;ausweis\n2026-11-24 10:00;ausweis\n", "x.csv", "line 3: the same booking"),
        ("start\n2026-11-24 10:00\n", "x.csv", "no 'service' column"),
        ("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "x.ics", "no events"),
        (ICS.replace("DTSTART:20261124T090000Z", "DTSTART;VALUE=DATE:20261124"), "x.ics", "whole day"),
        (ICS.replace("CATEGORIES:ausweis\n", ""), "x.ics", "names no service"),
        ("BEGIN:VCALENDAR\nthis is not\n", "x.ics", "x.ics"),
    ],
)
def test_bad_files_are_refused_whole_with_the_place(
    database: Database, clock: ManualClock, data: str, name: str, expected: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(database, clock, data, name=name)
    assert expected in refused.value.message and refused.value.status_code == 422
    with database.transaction() as session:
        assert session.exec(select(Appointment)).all() == []


def test_a_csv_row_with_an_existing_booking_code_is_refused_unless_overwriting(
    database: Database, clock: ManualClock
) -> None:
    first = "Datum;Uhrzeit;Dienstleistung;Name;Buchungscode\n24.11.2026;10:00;kfz;Max Muster;KFZ-7781\n"
    assert _import(database, clock, first, name="monday.csv").created == 1
    clash = "Datum;Uhrzeit;Dienstleistung;Name;Buchungscode\n24.11.2026;11:30;kfz;Erika Beispiel;KFZ-7781\n"
    with pytest.raises(ImportRefused) as refused:
        _import(database, clock, clash, name="tuesday.csv")
    assert "KFZ-7781" in refused.value.message and "overwrite" in refused.value.message
    with database.transaction() as session:
        kept = session.exec(select(Appointment)).one()
    assert (kept.name, kept.starts_at) == ("Max Muster", datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    rows = parse_file(clash.encode(), filename="tuesday.csv", default_service=None)
    with database.transaction() as session:
        replaced = import_bookings(
            session=session, site_id="demo", rows=rows, source="csv", filename="tuesday.csv", now=clock.now(),
            actor="test", overwrite=True,
        )
    assert (replaced.updated, replaced.overwritten) == (1, ["KFZ-7781"])
    with database.transaction() as session:
        assert session.exec(select(Appointment)).one().name == "Erika Beispiel"
