"""Booking, check-in and import over HTTP against the real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from server.clock import ManualClock
from server.db import Database
from server.estimates import site_forecast
from server.sites.lookup import get_site, site_services
from tests.support.live_server import LiveServer, run_live_server

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office on a virtual clock."""
    with run_live_server(tmp_path, clock=ManualClock(NOW)) as live:
        yield live


def _book(server: LiveServer, headers: dict[str, str], **body: object) -> dict[str, object]:
    response = httpx.post(
        server.api("/sites/demo/appointments"), headers=headers,
        json={"service": "ausweis", "starts_at": (NOW + timedelta(minutes=5)).isoformat(), **body},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_check_in_by_code_and_qr_content(server: LiveServer) -> None:
    staff = server.clerk_headers()
    httpx.post(server.api("/counters/4/resume"), headers=staff).raise_for_status()
    booked = _book(server, staff, name="Erika Mustermann", phone="+49 30 1234")
    # The range shown at check-in comes from the forecast recomputed after the counter opened.
    assert server.context.forecaster.settled.wait(timeout=30)
    code = str(booked["code"])
    assert booked["qr_content"] == code and len(code) == 9 and code[4] == "-"
    # Typed in lower case without the dash, as people do.
    response = httpx.post(
        server.api("/sites/demo/check-in"), json={"code": code.replace("-", "").lower()},
        headers=server.kiosk_headers,
    )
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["number"] == "P001" and ticket["appointment"] is True and ticket["token"]
    assert ticket["eta_minutes"] is not None and ticket["status_url"].endswith(ticket["token"])
    looked_up = httpx.get(server.api(f"/sites/demo/appointments/{code}"), headers=staff).json()
    assert looked_up["status"] == "checked_in" and looked_up["ticket_number"] == "P001"

    again = httpx.post(server.api("/sites/demo/check-in"), json={"code": code}, headers=server.kiosk_headers)
    assert (again.status_code, again.json()["code"]) == (409, "booking_used")


def test_check_in_carries_the_visual_call_option(server: LiveServer) -> None:
    booked = _book(server, server.clerk_headers())
    response = httpx.post(
        server.api("/sites/demo/check-in"), json={"code": booked["code"], "visual_call": True},
        headers=server.kiosk_headers,
    )
    assert response.status_code == 201, response.text
    followed = httpx.get(server.api(f"/tickets/{response.json()['token']}")).json()
    assert followed["visual_call"] is True and followed["appointment"] is True


def test_unknown_cancelled_and_unauthorised(server: LiveServer) -> None:
    staff = server.clerk_headers()
    unknown = httpx.post(server.api("/sites/demo/check-in"), json={"code": "ZZZZ-ZZZZ"}, headers=server.kiosk_headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_booking")
    booked = _book(server, staff)
    cancelled = httpx.delete(server.api(f"/sites/demo/appointments/{booked['code']}"), headers=staff)
    assert cancelled.json()["status"] == "cancelled"
    refused = httpx.post(
        server.api("/sites/demo/check-in"), json={"code": booked["code"]}, headers=server.kiosk_headers
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "booking_cancelled")
    assert httpx.post(server.api("/sites/demo/appointments"), json={}).status_code == 401
    assert httpx.post(server.api("/sites/demo/check-in"), json={"code": booked["code"]}).status_code == 401
    bad = httpx.post(
        server.api("/sites/demo/appointments"), headers=staff,
        json={"service": "nope", "starts_at": NOW.isoformat()},
    )
    assert (bad.status_code, bad.json()["code"]) == (404, "unknown_service")


def test_import_needs_a_supervisor_and_refuses_bad_files_whole(server: LiveServer) -> None:
    csv_text = "start;service;name\n2026-11-24 11:00;anmeldung;A\n2026-11-24 11:20;nope;B\n"
    clerk = httpx.post(server.api("/sites/demo/appointments/import"), content=csv_text, headers=server.clerk_headers())
    assert clerk.status_code == 403
    supervisor = server.clerk_headers("super1")
    bad = httpx.post(
        server.api("/sites/demo/appointments/import"), params={"filename": "termine.csv"}, content=csv_text,
        headers=supervisor,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_import_file")
    assert "termine.csv" in bad.json()["detail"] and "line 3: unknown service 'nope'" in bad.json()["detail"]
    listing = httpx.get(server.api("/sites/demo/appointments"), headers=supervisor).json()
    assert listing == []  # nothing of the bad file was stored
    good = httpx.post(
        server.api("/sites/demo/appointments/import"), content=csv_text.replace("nope", "ausweis"), headers=supervisor
    )
    assert good.status_code == 200 and good.json()["created"] == 2
    assert len(httpx.get(server.api("/sites/demo/appointments"), headers=supervisor).json()) == 2


def test_an_on_time_check_in_is_shown_the_wait_of_an_appointment_not_of_a_walk_in(server: LiveServer) -> None:
    staff = server.clerk_headers()
    # The Standesamt's one counter (8), 10 minutes a case, four walk-ins waiting.
    httpx.post(server.api("/counters/8/resume"), headers=staff).raise_for_status()
    for _ in range(4):
        httpx.post(
            server.api("/sites/demo/tickets"), json={"service": "standesamt"}, headers=server.kiosk_headers
        ).raise_for_status()
    booked = _book(server, staff, service="standesamt")
    assert server.context.forecaster.settled.wait(timeout=30)
    walk_in = next(
        s for s in httpx.get(server.api("/sites/demo/services")).json() if s["id"] == "standesamt"
    )["eta_minutes"]
    response = httpx.post(
        server.api("/sites/demo/check-in"), json={"code": booked["code"]}, headers=server.kiosk_headers
    )
    assert response.status_code == 201, response.text
    ticket = response.json()
    # On time, the appointment is called before the four walk-ins: by the free counter, at once.
    database = Database(f"sqlite:///{server.data_dir / 'aufruf.db'}")
    with database.read() as session:
        site = get_site(session=session, site_id="demo")
        fresh = site_forecast(
            session=session, site=site, services=site_services(session=session, site_id="demo"),
            now=server.context.clock.now(),
        )
    database.dispose()
    assert fresh.expected[("ticket", ticket["id"])] == pytest.approx(0.0)
    assert tuple(ticket["eta_minutes"]) == fresh.for_ticket(ticket["id"])
    assert ticket["eta_minutes"][1] < walk_in[0], (ticket["eta_minutes"], walk_in)
