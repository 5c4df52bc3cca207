"""The statistics over HTTP on a real server: roles, the report, CSV and XLSX cell by cell, SVG charts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from tests.stats.scenario import DAY, Office, seed_day
from tests.support.live_server import LiveServer, run_live_server

PATHS = [
    "/sites/demo/stats",
    "/sites/demo/stats/week",
    "/sites/demo/stats/export.csv",
    "/sites/demo/stats/export.xlsx",
    "/sites/demo/stats/charts/arrivals.svg",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the module, with the hand-computed day seeded through the service functions."""
    with run_live_server(Path(tmp_path_factory.mktemp("stats"))) as live:
        seed_day(Office(live.context.database))
        yield live


@pytest.fixture(scope="module")
def supervisor(server: LiveServer) -> dict[str, str]:
    return server.clerk_headers("super1")


@pytest.mark.parametrize("path", PATHS)
def test_roles(server: LiveServer, path: str) -> None:
    assert httpx.get(server.api(path)).status_code == 401
    assert httpx.get(server.api(path), headers=server.clerk_headers("clerk1")).status_code == 403


def test_report_over_http(server: LiveServer, supervisor: dict[str, str]) -> None:
    body = httpx.get(server.api(f"/sites/demo/stats?date={DAY}"), headers=supervisor).json()
    # The contract's fields are all still there; the breakdowns came on top.
    assert (body["issued"], body["served"], body["no_show"], body["cancelled"], body["still_open"]) == (6, 4, 1, 1, 0)
    assert (body["wait_minutes_median"], body["wait_minutes_p90"], body["within_target_share"]) == (20.0, 33.0, 0.6)
    assert body["by_service"] == {"anmeldung": 5, "fuehrungszeugnis": 1}
    assert len(body["hours"]) == 24 and len(body["staffing"]) == 24
    bad = httpx.get(server.api("/sites/demo/stats?goal=1.5"), headers=supervisor)
    assert bad.status_code == 422
    assert httpx.get(server.api("/sites/nowhere/stats"), headers=supervisor).status_code == 404


def test_csv_cell_by_cell(server: LiveServer, supervisor: dict[str, str]) -> None:
    response = httpx.get(server.api(f"/sites/demo/stats/export.csv?date={DAY}&dialect=rfc4180"), headers=supervisor)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="aufruf-demo-2024-11-26.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Gruppe", "Schlüssel", "Bezeichnung", "Ausgegeben", "Bedient", "Nicht erschienen", "Storniert", "Noch offen",
        "Termine", "Ohne Termin", "Nichterscheinensquote", "Wartezeit Median (min)", "Wartezeit 90. Perzentil (min)",
        "Bedienzeit Median (min)", "Bedienzeit Mittel (min)", "Anteil innerhalb Zielwartezeit",
        "Heute nicht bedient (Tagesende)", "Per Handy gezogen", "Handy-Tickets ohne Anmeldung am Kiosk",
    ]
    assert rows[1] == ["Standort", "demo", "2024-11-26", "6", "4", "1", "1", "0", "0", "6", "0.2", "20.0", "33.0",
                       "7.5", "10.0", "0.6", "0", "0", "0"]
    assert rows[2] == ["Anliegen", "anmeldung", "An-/Ummeldung", "5", "3", "1", "1", "0", "0", "5", "0.25", "25.0",
                       "33.5", "10.0", "11.67", "0.75", "0", "0", "0"]
    assert rows[3][:5] == ["Anliegen", "fuehrungszeugnis", "Führungszeugnis", "1", "1"]
    assert rows[4][:5] == ["Schalter", "1", "Schalter 1 (Schnellschalter)", "1", "1"]
    assert rows[5][:5] == ["Schalter", "2", "Schalter 2", "4", "3"]
    hours = rows[6:]
    assert len(hours) == 24 and hours[8][:4] == ["Stunde", "08:00", "08:00", "3"]
    # Hours without tickets have empty cells, not zeros, for figures that do not exist.
    assert hours[12][3:] == ["0", "0", "0", "0", "0", "0", "0", "", "", "", "", "", "", "0", "0", "0"]


def test_staffing_csv_in_english(server: LiveServer, supervisor: dict[str, str]) -> None:
    response = httpx.get(
        server.api(f"/sites/demo/stats/export.csv?date={DAY}&table=staffing&lang=en&dialect=rfc4180"),
        headers=supervisor,
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["Hour", "Arrivals", "Service time (min)", "Target wait (min)", "Load (Erlang)",
                           "Counters needed", "Counters open"]
    # 0.75 counters open rounds to one, which gives the same 94.63 % as the one counter needed.
    # Then the plan beside the actual: nothing carried in, 1 counter for the hour itself, A001/A002/F001 waited
    # 20, 35 and 15 minutes (median 20), and only A001 within its target.
    assert rows[9] == ["08:00", "3", "7.5", "23.33", "0.375", "1", "0.75", "2", "-0.25", "0.9463", "0.9463",
                       "0.0", "1", "20.0", "0.3333"]
    week = httpx.get(server.api("/sites/demo/stats/export.csv?period=week&table=staffing"), headers=supervisor)
    assert week.status_code == 422


def test_xlsx_cell_by_cell(server: LiveServer, supervisor: dict[str, str]) -> None:
    response = httpx.get(server.api(f"/sites/demo/stats/export.xlsx?date={DAY}&lang=en"), headers=supervisor)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="aufruf-demo-2024-11-26.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["KPIs", "Staffing", "Bookings"]
    kpis = book["KPIs"]
    assert [c.value for c in kpis[1]][:6] == ["Group", "Key", "Name", "Issued", "Served", "No-shows"]
    assert [c.value for c in kpis[2]] == ["Site", "demo", "2024-11-26", 6, 4, 1, 1, 0, 0, 6, 0.2, 20, 33, 7.5, 10,
                                          0.6, 0, 0, 0]
    assert kpis["K2"].number_format == "0.0%" and kpis["P2"].number_format == "0.0%"
    assert [c.value for c in kpis[3]][:5] == ["Service", "anmeldung", "Registering an address", 5, 3]
    assert kpis.max_row == 1 + 1 + 2 + 2 + 24
    # A missing figure is an empty cell, never a zero.
    assert kpis["L19"].value is None and kpis["A19"].value == "Hour" and kpis["B19"].value == "12:00"
    staffing = book["Staffing"]
    assert staffing.max_row == 25
    assert [c.value for c in staffing[10]] == [
        "08:00", 3, 7.5, 23.33, 0.375, 1, 0.75, 2, -0.25, 0.9463, 0.9463, 0, 1, 20, 0.3333,
    ]
    assert [c.value for c in staffing[11]][:7] == ["09:00", 2, 20, 30, 0.667, 2, 0.85]


def test_week_xlsx_has_days(server: LiveServer, supervisor: dict[str, str]) -> None:
    response = httpx.get(server.api(f"/sites/demo/stats/export.xlsx?date={DAY}&period=week"), headers=supervisor)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Kennzahlen", "Termine"]
    sheet = book["Kennzahlen"]
    assert [c.value for c in sheet[2]][:5] == ["Standort", "demo", "2024-W48", 7, 4]
    days = [[c.value for c in row][:4] for row in sheet.iter_rows(min_row=sheet.max_row - 6)]
    assert days[1] == ["Tag", "2024-11-26", "2024-11-26", 6]
    assert [day[3] for day in days] == [0, 6, 1, 0, 0, 0, 0]


@pytest.mark.parametrize(("name", "period"), [("arrivals", "day"), ("waits", "day"), ("staffing", "day"),
                                              ("days", "week"), ("waits", "week")])
def test_charts_are_self_contained_svg(server: LiveServer, supervisor: dict[str, str], name: str, period: str) -> None:
    response = httpx.get(
        server.api(f"/sites/demo/stats/charts/{name}.svg?date={DAY}&period={period}"), headers=supervisor
    )
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    svg = response.text
    assert svg.startswith("<svg") and "<script" not in svg and "http://kozea" not in svg
    assert "script-src" not in response.headers["content-security-policy"]


def test_unknown_chart(server: LiveServer, supervisor: dict[str, str]) -> None:
    assert httpx.get(server.api("/sites/demo/stats/charts/days.svg"), headers=supervisor).status_code == 404


def test_csv_opens_as_columns_in_german_excel(server: LiveServer, supervisor: dict[str, str]) -> None:
    """By default ';' between cells and a decimal comma, after a UTF-8 byte-order mark."""
    response = httpx.get(server.api(f"/sites/demo/stats/export.csv?date={DAY}"), headers=supervisor)
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Gruppe", "Schlüssel", "Bezeichnung", "Ausgegeben"]
    assert rows[1] == ["Standort", "demo", "2024-11-26", "6", "4", "1", "1", "0", "0", "6", "0,2", "20,0", "33,0",
                       "7,5", "10,0", "0,6", "0", "0", "0"]
    assert httpx.get(
        server.api(f"/sites/demo/stats/export.csv?date={DAY}&dialect=semicolon"), headers=supervisor
    ).status_code == 422


def test_charts_show_opening_hours_only_and_waits_from_zero(
    server: LiveServer, supervisor: dict[str, str]
) -> None:
    """The demo is always open: only hours with tickets are drawn (08:00, 09:00, 23:00), the wait axis from 0."""
    svg = httpx.get(server.api(f"/sites/demo/stats/charts/waits.svg?date={DAY}"), headers=supervisor).text
    labels = re.findall(r'<text[^>]*class="[^"]*"[^>]*>(\d\d:\d\d)</text>', svg)
    assert sorted(set(labels)) == ["08:00", "09:00", "23:00"]
    axis = [float(value) for value in re.findall(r'<g class="guides"><path[^>]*/><text[^>]*>([\d.]+)</text>', svg)]
    assert axis and min(axis) == 0.0
