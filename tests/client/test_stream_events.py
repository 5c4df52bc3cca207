"""A real office day through a real server: every event the display stream carries parses into its model."""

from __future__ import annotations

import json
import queue
from datetime import timedelta
from typing import Any

import httpx

from aufruf import events
from aufruf.events import Event
from client.qt import stream_url
from client.stream import EventStream, StreamHandlers
from tests.support.live_server import LiveServer

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
    # The day's last event: the stream is read up to here.
    closed = {"de": "Wir haben geschlossen", "en": "We are closed"}
    post("/sites/demo/notices", supervisor, {"texts": closed, "minutes": 5})


def seen_day_closed(received: list[tuple[dict[str, Any], Event]]) -> bool:
    """Whether the day's closing has come through yet."""
    return any(event.type == "day.closed" for _, event in received)


def test_every_event_of_an_office_day_parses_into_its_model(live_server: LiveServer) -> None:
    raw: queue.Queue[dict[str, Any]] = queue.Queue()
    typed: queue.Queue[Event] = queue.Queue()
    snapshots: queue.Queue[dict[str, Any]] = queue.Queue()
    stream = EventStream(
        stream_url(live_server.url, "/ws/sites/demo/display"),
        StreamHandlers(on_snapshot=snapshots.put, on_event=raw.put, on_typed_event=typed.put),
    )
    stream.start()
    try:
        snapshots.get(timeout=30)
        with httpx.Client(timeout=30) as http:
            _office_day(live_server, http)
        received: list[tuple[dict[str, Any], Event]] = []
        while not received or not (received[-1][1].type == "notices.changed" and seen_day_closed(received)):
            received.append((raw.get(timeout=30), typed.get(timeout=30)))
    finally:
        stream.stop()

    assert {event.type for _, event in received} >= EXPECTED
    for message, event in received:
        model = events.PUBLIC_EVENTS[event.type]
        assert type(event.data) is model, (event.type, event.data)
        assert event.seq == message["seq"]
        # Nothing the server sent is lost or changed by the model: it writes the same JSON back.
        assert _wire(event.data.payload()) == _wire(message["data"])
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
