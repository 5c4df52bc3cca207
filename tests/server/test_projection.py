"""The projection a real server answers display snapshots and services from, checked against the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from server.clock import ManualClock
from server.events.envelope import Envelope, EventType
from server.events.log import current_seq
from server.projection.state import SiteState
from server.sites.queue import queue_state
from server.snapshots import display_snapshot, with_seq
from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
# Short enough that a whole test stays within the projection's refresh time on the server's clock.
STEP = timedelta(milliseconds=200)


@pytest.fixture
def clock() -> ManualClock:
    """A virtual clock that stands still unless a test moves it."""
    return ManualClock(START)


@pytest.fixture
def server(tmp_path: Path, clock: ManualClock) -> Iterator[LiveServer]:
    """The demo office on the virtual clock."""
    with run_live_server(tmp_path, clock=clock) as live:
        yield live


async def _receive(websocket: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(websocket.recv(), timeout=30)))


def _from_database(server: LiveServer) -> tuple[int, dict[str, Any]]:
    """The display snapshot as a fresh read of the database has it."""
    context = server.context
    with context.database.read() as session:
        return with_seq(session=session, site_id="demo", data=display_snapshot(
            session=session, site_id="demo", now=context.clock.now(), recent=context.settings.recent_calls,
            public_url=context.settings.public_url,
        ))


def _database_seq(server: LiveServer) -> int:
    with server.context.database.read() as session:
        return current_seq(session=session, site_id="demo")


async def _until_seq(display: ClientConnection, seq: int, last: int) -> None:
    """Read the display's events until it has seen `seq`: by then the server's projection has too."""
    while last < seq:
        last = (await _receive(display))["seq"]


async def _snapshot(server: LiveServer) -> dict[str, Any]:
    async with connect(f"{server.ws_url}/ws/sites/demo/display") as display:
        return await _receive(display)


def _work_the_queue(server: LiveServer, clock: ManualClock) -> None:
    """Draws, calls, a recall, a start, finishes, a no-show and a park across two counters."""
    with httpx.Client(base_url=server.api(""), timeout=30) as http:
        for service in ("anmeldung", "kfz", "abholung", "anmeldung", "kfz", "anmeldung"):
            http.post("/sites/demo/tickets", json={"service": service}, headers=server.kiosk_headers).raise_for_status()
        clerk = server.clerk_headers()
        for action in (
            "3/call-next", "6/call-next", "3/recall", "6/start", "6/finish", "3/no-show", "3/call-next",
            "6/call-next", "6/park", "3/finish", "3/call-next",
        ):
            # Calls a moment apart, as at a real counter (their order on the display is by time).
            clock.advance(STEP)
            http.post(f"/counters/{action}", headers=clerk).raise_for_status()


def test_a_connect_gets_what_the_database_says_after_a_morning_of_work(
    server: LiveServer, clock: ManualClock
) -> None:
    async def check() -> None:
        async with connect(f"{server.ws_url}/ws/sites/demo/display") as display:
            first = await _receive(display)
            loads = server.context.projections.loads
            await asyncio.to_thread(_work_the_queue, server, clock)
            await _until_seq(display, _database_seq(server), first["seq"])
            snapshot = await _snapshot(server)
        seq, data = _from_database(server)
        assert snapshot["seq"] == seq > first["seq"]
        assert snapshot["data"] == data
        assert len(data["calls"]) >= 4 and any(call["status"] == "done" for call in data["calls"])
        # Served from the events applied in memory, not read again.
        assert server.context.projections.loads == loads
        async with httpx.AsyncClient(base_url=server.api(""), timeout=30) as http:
            polled = (await http.get("/sites/demo/display")).json()
            services = (await http.get("/sites/demo/services")).json()
            english = (await http.get("/sites/demo/services", params={"language": "en"})).json()
        assert (polled["seq"], polled["data"]) == (seq, data)
        with server.context.database.read() as session:
            now = server.context.clock.now()
            assert services == queue_state(session=session, site_id="demo", now=now).as_data()["services"]
            assert english == queue_state(session=session, site_id="demo", now=now, language="en").as_data()[
                "services"]

    run_async(check())


def test_a_gap_in_the_events_reloads_from_the_database(server: LiveServer) -> None:
    async def check() -> None:
        before = await _snapshot(server)
        loads = server.context.projections.loads
        # An event the projection cannot place (two past its seq) must not be trusted: the next reader reloads.
        skipped = Envelope(seq=before["seq"] + 2, type=EventType.queue_changed, at=START, site="demo",
                           data={"services": [], "lines": {}})
        server.context.projections.apply("demo", [skipped])
        after = await _snapshot(server)
        assert server.context.projections.loads == loads + 1
        assert (after["seq"], after["data"]) == _from_database(server)
        assert after["data"]["services"]  # the bogus empty list was never served

    run_async(check())


def test_the_state_follows_events_in_order_and_marks_a_gap_stale() -> None:
    state = SiteState(site_id="demo", seq=4, made=START, recent=2, data={
        "services": [], "lines": {}, "counters": [{"id": "3", "status": "open"}], "calls": [], "notices": [],
    })

    def event(seq: int, type: EventType, data: dict[str, Any]) -> Envelope:
        return Envelope(seq=seq, type=type, at=START, site="demo", data=data)

    state.apply(event(5, EventType.ticket_called, {"id": 1, "number": "A001", "status": "called", "token": "x"}))
    state.apply(event(6, EventType.ticket_called, {"id": 2, "number": "A002", "status": "called"}))
    state.apply(event(7, EventType.ticket_recalled, {"id": 1, "number": "A001", "status": "called"}))
    state.apply(event(8, EventType.ticket_finished, {"id": 2, "number": "A002", "status": "done"}))
    state.apply(event(8, EventType.ticket_called, {"id": 9, "number": "A009", "status": "called"}))  # a repeat
    assert [(c["number"], c["status"]) for c in state.data["calls"]] == [("A001", "called"), ("A002", "done")]
    assert "token" not in state.data["calls"][0]
    assert (state.seq, state.stale) == (8, False)
    state.apply(event(10, EventType.queue_changed, {"services": [], "lines": {"A": ["A003"]}}))
    assert state.stale and state.data["lines"] == {}
