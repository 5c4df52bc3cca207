"""A service no open, unpaused counter serves: no wait range, 'not served at the moment', and when again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlmodel import select

from kiosk_app.ui.services import service_lines
from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.demo import demo_office
from server.office.apply import apply_office
from server.sites.queue import queue_state
from server.sites.schemas import ServiceOut
from server.tickets.models import Ticket
from server.tickets.views import ticket_out
from tests.support.live_server import run_live_server
from tests.support.service_calls import PUBLIC_URL, draw


def _services(database: Database, clock: ManualClock) -> dict[str, ServiceOut]:
    with database.read() as session:
        return {s.id: s for s in queue_state(session=session, site_id="demo", now=clock.now()).services}


def _set(
    database: Database, clock: ManualClock, clerk: Clerk, counter: str, *, paused: bool, minutes: int | None = None
) -> None:
    with database.transaction() as session:
        counters.set_paused(
            session=session, counter_id=counter, paused=paused, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL,
            minutes=minutes,
        )


def test_before_any_counter_opens_no_range_is_promised(database: Database, clock: ManualClock) -> None:
    """The first ticket of the day, before any clerk logged in, is not told '0–1 minutes'."""
    services = _services(database, clock)
    assert all(s.open and not s.served_now and s.eta_minutes is None for s in services.values())
    draw(database, clock, "anmeldung")
    with database.read() as session:
        ticket = session.exec(select(Ticket)).one()
        view = ticket_out(session=session, ticket=ticket, public_url=PUBLIC_URL, holder=False, now=clock.now())
    assert (view.served_now, view.eta_minutes, view.position) == (False, None, 1)


def test_a_paused_only_counter_says_when_it_resumes(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    _set(database, clock, clerk, "8", paused=False)  # the only counter of the registry office
    assert _services(database, clock)["standesamt"].served_now
    draw(database, clock, "standesamt")
    _set(database, clock, clerk, "8", paused=True, minutes=15)
    standesamt = _services(database, clock)["standesamt"]
    # 08:00 UTC is 09:00 in Berlin: back at 09:15.
    assert (standesamt.served_now, standesamt.eta_minutes, standesamt.served_from_time) == (False, None, "09:15")
    assert standesamt.served_from == clock.now() + timedelta(minutes=15)
    with database.read() as session:
        ticket = session.exec(select(Ticket)).one()
        view = ticket_out(session=session, ticket=ticket, public_url=PUBLIC_URL, holder=False, now=clock.now())
    assert (view.served_now, view.eta_minutes, view.served_from_time) == (False, None, "09:15")
    assert service_lines(standesamt, "de")[1] == "Wartend: 1 · Zurzeit nicht besetzt · voraussichtlich ab 09:15 Uhr"
    assert service_lines(standesamt, "en")[1] == "Waiting: 1 · Not served at the moment · expected from 09:15"
    _set(database, clock, clerk, "8", paused=False)
    assert _services(database, clock)["standesamt"].eta_minutes is not None


def test_no_forecast_counts_a_paused_counter(database: Database, clock: ManualClock, clerk: Clerk) -> None:
    """A paused counter changes the ranges exactly as a closed one does."""
    for _ in range(6):
        draw(database, clock, "kfz")
    _set(database, clock, clerk, "6", paused=False)  # counters 6 and 7 serve vehicle registration
    alone = _services(database, clock)["kfz"].eta_minutes
    _set(database, clock, clerk, "7", paused=False)
    both = _services(database, clock)["kfz"].eta_minutes
    _set(database, clock, clerk, "7", paused=True)
    paused = _services(database, clock)["kfz"].eta_minutes
    assert alone is not None and both is not None
    assert paused == alone
    assert both[1] < alone[1]


def test_an_office_may_refuse_tickets_nobody_serves(tmp_path: Path) -> None:
    office = demo_office()
    office = office.model_copy(update={"sites": [office.sites[0].model_copy(update={"issue_when_unserved": False})]})
    with run_live_server(tmp_path, office=office) as server:
        draw_ticket = {"json": {"service": "kfz"}, "headers": server.kiosk_headers}
        refused = httpx.post(server.api("/sites/demo/tickets"), **draw_ticket)  # type: ignore[arg-type]
        assert refused.status_code == 409 and refused.json()["code"] == "service_not_served"
        listed = {s["id"]: s for s in httpx.get(server.api("/sites/demo/services")).json()}
        assert (listed["kfz"]["open"], listed["kfz"]["closed_reason"], listed["kfz"]["eta_minutes"]) == (
            False, "not_served", None
        )
        httpx.post(server.api("/counters/6/resume"), headers=server.clerk_headers()).raise_for_status()
        assert httpx.post(server.api("/sites/demo/tickets"), **draw_ticket).status_code == 201  # type: ignore[arg-type]


def test_before_opening_the_opening_time_is_given(tmp_path: Path) -> None:
    """At 07:30 on a Tuesday the kiosk says when the office opens; once open, no guess about absent clerks."""
    office = demo_office()
    site = office.sites[0].model_copy(update={"always_open": False, "opening_hours": {"tue": [("08:00", "12:30")]}})
    clock = ManualClock(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))  # 07:30 in Berlin
    database = Database(f"sqlite:///{tmp_path / 'hours.db'}")
    database.create_schema()
    with database.transaction() as session:
        apply_office(session=session, office=office.model_copy(update={"sites": [site]}))
    assert {s.served_from_time for s in _services(database, clock).values()} == {"08:00"}
    clock.advance(timedelta(hours=1))  # 08:30, open, nobody at a counter yet
    assert {(s.served_now, s.served_from_time) for s in _services(database, clock).values()} == {(False, None)}
    database.dispose()
