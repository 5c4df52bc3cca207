"""Real office days through a real server: every event the display stream carries parses into its model."""

from __future__ import annotations

import json
import queue
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from aufruf import events
from aufruf.events import Event
from client.qt import stream_url
from client.stream import EventStream, Message, StreamHandlers
from server.clock import ManualClock
from tests.remote_join.support import client_from, join, remote_office
from tests.support.live_server import LiveServer, run_live_server

# What the day below makes the server emit on the site's public stream.
EXPECTED = {
    "counter.session", "counter.changed", "queue.changed", "ticket.created", "ticket.called", "ticket.recalled",
    "ticket.transferred", "ticket.serving", "ticket.finished", "ticket.no_show", "ticket.parked", "ticket.requeued",
    "ticket.cancelled", "ticket.expired", "device.status", "service.closed", "service.reopened", "notices.changed",
    "day.closed", "appointment.booked", "appointment.checked_in", "appointment.cancelled",
}


def _wire(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _office_day(server: LiveServer, http: httpx.Client) -> None:
    """Open a counter, draw, call, recall, transfer, serve, no-show, park, undo, cancel, close the day."""
    clerk, supervisor, kiosk = server.clerk_headers(), server.clerk_headers("super1"), server.kiosk_headers

    def post(path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
        response = http.post(server.api(path), json=body, headers=headers)
        assert response.status_code in (200, 201, 204), (path, response.text)
        return response.json() if response.content else None

    def draw() -> Any:
        return post("/sites/demo/tickets", kiosk, {"service": "anmeldung", "language": "de"})

    post("/counters/2/open", clerk, {})
    draw()
    post("/counters/2/call-next", clerk)
    post("/counters/2/recall", clerk)
    post("/counters/2/transfer", clerk, {"service": "ausweis", "note": "Frau Müller, Wohngeld"})
    post("/counters/2/call-next", clerk)
    post("/counters/2/start", clerk)
    post("/counters/2/finish", clerk)
    draw()
    post("/counters/2/call-next", clerk)
    post("/counters/2/no-show", clerk)
    draw()
    post("/counters/2/call-next", clerk)
    post("/counters/2/park", clerk)
    given_up = draw()
    post("/counters/2/call-next", clerk)
    post("/counters/2/undo-call", clerk)
    assert http.delete(server.api(f"/tickets/{given_up['token']}")).status_code == 200
    draw()  # still waiting at closing: it expires
    post("/sites/demo/devices/status", kiosk, {"component": "printer", "state": "paper_out"})
    post("/sites/demo/services/ausweis/close", supervisor, {"message": {"de": "Heute nicht mehr", "en": "Not today"}})
    post("/sites/demo/services/ausweis/reopen", supervisor)
    soon = (server.context.clock.now() + timedelta(minutes=5)).isoformat()
    booked = post("/sites/demo/appointments", clerk, {"service": "anmeldung", "starts_at": soon})
    post("/sites/demo/check-in", kiosk, {"code": booked["code"]})
    other = post("/sites/demo/appointments", clerk, {"service": "anmeldung", "starts_at": soon})
    assert http.delete(server.api(f"/sites/demo/appointments/{other['code']}"), headers=clerk).status_code == 200
    post("/sites/demo/close-day", supervisor)


def _received(server: LiveServer, day: Callable[[LiveServer, httpx.Client], None]) -> list[tuple[Message, Event]]:
    """Every event the display stream delivers while `day` runs, as sent and as parsed, in order."""
    raw: queue.Queue[Message] = queue.Queue()
    typed: queue.Queue[Event] = queue.Queue()
    snapshots: queue.Queue[Message] = queue.Queue()
    stream = EventStream(
        stream_url(server.url, "/ws/sites/demo/display"),
        StreamHandlers(on_snapshot=snapshots.put, on_event=raw.put, on_typed_event=typed.put),
    )
    stream.start()
    try:
        snapshots.get(timeout=30)
        with httpx.Client(timeout=30) as http:
            day(server, http)
            # A notice ends the day's events: the stream is read up to it.
            closing = {"de": "Wir haben geschlossen", "en": "We are closed"}
            posted = http.post(
                server.api("/sites/demo/notices"), json={"texts": closing, "minutes": 5},
                headers=server.clerk_headers("super1"),
            )
            assert posted.status_code == 201, posted.text
        received: list[tuple[Message, Event]] = []
        while not received or received[-1][1].type != "notices.changed":
            received.append((raw.get(timeout=30), typed.get(timeout=30)))
    finally:
        stream.stop()
    for message, event in received:
        assert type(event.data) is events.PUBLIC_EVENTS[event.type], (event.type, event.data)
        assert event.seq == message["seq"]
        # Nothing the server sent is lost or changed by the model: it writes the same JSON back.
        assert _wire(event.data.payload()) == _wire(message["data"])
    return received


def test_every_event_of_an_office_day_parses_into_its_model(live_server: LiveServer) -> None:
    received = _received(live_server, _office_day)
    assert {event.type for _, event in received} >= EXPECTED
    by_type = {event.type: event.data for _, event in received}
    transferred = by_type["ticket.transferred"]
    assert isinstance(transferred, events.TicketTransferred) and transferred.from_service == "anmeldung"
    assert "note" not in transferred.model_dump() and not transferred.model_extra
    expired = by_type["ticket.expired"]
    assert isinstance(expired, events.TicketExpired) and expired.reason == "closed_by_supervisor"
    closed = by_type["day.closed"]
    assert isinstance(closed, events.DayClosed) and closed.expired >= 2
    checked_in = [e.data for _, e in received if isinstance(e.data, events.TicketCreated) and e.data.appointment]
    assert checked_in and checked_in[0].arrival is not None


def test_phone_tickets_moved_back_and_checked_in_parse_into_their_models(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))

    def phones(server: LiveServer, http: httpx.Client) -> None:
        clerk = server.clerk_headers()
        with client_from("127.0.0.2") as phone:
            late = join(phone, server)
        assert late.status_code == 201, late.text
        clock.advance(timedelta(minutes=1))
        kiosk = server.kiosk_headers
        walk_in = http.post(server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=kiosk)
        # The phone ticket's turn, not checked in: it moves back and the walk-in is called.
        called = http.post(server.api("/counters/2/call-next"), headers=clerk)
        assert called.json()["number"] == walk_in.json()["number"]
        with client_from("127.0.0.3") as phone:
            early = join(phone, server)
        assert early.status_code == 201, early.text
        checked = http.post(
            server.api("/sites/demo/remote-join/check-in"), json={"code": early.json()["code"]},
            headers=server.kiosk_headers,
        )
        assert checked.status_code == 200, checked.text

    office = remote_office(move_back_places=1, max_move_backs=2)
    with run_live_server(tmp_path, office=office, clock=clock) as server:
        received = _received(server, phones)
    by_type = {event.type: event.data for _, event in received}
    postponed = by_type["ticket.postponed"]
    assert isinstance(postponed, events.TicketPostponed)
    assert (postponed.reason, postponed.moved_back) == ("not_checked_in", 1)
    assert isinstance(by_type["ticket.checked_in"], events.TicketCheckedIn)
    created = [e.data for _, e in received if isinstance(e.data, events.TicketCreated)]
    assert [ticket.channel for ticket in created] == ["remote", "kiosk", "remote"]
