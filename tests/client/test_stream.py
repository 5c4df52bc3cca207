"""The event stream against a real server: snapshot, order, gap handling, reconnect."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from client.api import ApiClient, ApiError, ServerUnreachable
from client.qt import stream_url
from client.stream import EventStream, SeqTracker, StreamHandlers
from tests.support.live_server import LiveServer, free_port, run_live_server

Item = tuple[str, Any]


def _stream(url: str, token: str | None = None) -> tuple[EventStream, queue.Queue[Item]]:
    inbox: queue.Queue[Item] = queue.Queue()
    handlers = StreamHandlers(
        on_snapshot=lambda m: inbox.put(("snapshot", m)),
        on_event=lambda m: inbox.put(("event", m)),
        on_connection=lambda up: inbox.put(("connection", up)),
        on_refused=lambda reason: inbox.put(("refused", reason)),
        on_reconnecting=lambda delay: inbox.put(("reconnecting", delay)),
    )
    return EventStream(url, handlers, token=token), inbox


def _next(inbox: queue.Queue[Item], kind: str) -> Any:
    while True:
        got, value = inbox.get(timeout=10)
        if got == kind:
            return value


def test_tracker_delivers_in_order_and_asks_for_snapshot_on_gap() -> None:
    tracker = SeqTracker()
    assert tracker.accept({"type": "ticket.created", "seq": 3}) == "skip"
    assert tracker.accept({"type": "snapshot", "seq": 4}) == "snapshot"
    assert tracker.accept({"type": "queue.changed", "seq": 4}) == "skip"
    assert tracker.accept({"type": "queue.changed", "seq": 5}) == "event"
    assert tracker.accept({"type": "queue.changed", "seq": 7}) == "gap"
    assert tracker.accept({"type": "queue.changed", "seq": 8}) == "skip"
    assert tracker.accept({"type": "snapshot", "seq": 8}) == "snapshot"
    assert tracker.accept({"type": "queue.changed", "seq": 9}) == "event"


def test_stream_receives_snapshot_then_events_in_seq_order(live_server: LiveServer) -> None:
    stream, inbox = _stream(stream_url(live_server.url, "/ws/sites/demo/display"))
    stream.start()
    try:
        snapshot = _next(inbox, "snapshot")
        kiosk = ApiClient(live_server.url, token="demo-kiosk")
        ticket = kiosk.draw_ticket("demo", "kfz", language="de", idempotency_key="k-1")
        created = _next(inbox, "event")
        assert created["type"] == "ticket.created"
        assert created["data"]["number"] == ticket.number
        assert created["seq"] == snapshot["seq"] + 1
        assert _next(inbox, "event")["seq"] == snapshot["seq"] + 2
    finally:
        stream.stop()


def test_stream_reconnects_after_server_restart_and_resyncs(tmp_path: Path) -> None:
    with run_live_server(tmp_path) as first:
        port = first.port
        stream, inbox = _stream(stream_url(first.url, "/ws/sites/demo/display"))
        stream.start()
        _next(inbox, "snapshot")
    assert _next(inbox, "connection") is False
    try:
        with run_live_server(tmp_path, port=port) as second:
            ApiClient(second.url, token="demo-kiosk").draw_ticket("demo", "kfz", language="de", idempotency_key="k-2")
            snapshot = _next(inbox, "snapshot")
            numbers = snapshot["data"]["lines"]["kfz"]
            if not numbers:  # the ticket came after the snapshot: it must arrive as an event
                assert _next(inbox, "event")["data"]["number"] == "K001"
            else:
                assert numbers == ["K001"]
    finally:
        stream.stop()


def test_counter_stream_refuses_a_bad_token(live_server: LiveServer) -> None:
    stream, inbox = _stream(stream_url(live_server.url, "/ws/counters/1"), token="not-a-token")
    stream.start()
    try:
        assert "403" in _next(inbox, "refused")
    finally:
        stream.stop()


def test_api_client_raises_readable_errors(live_server: LiveServer) -> None:
    kiosk = ApiClient(live_server.url, token="demo-kiosk")
    with pytest.raises(ApiError) as unknown:
        kiosk.draw_ticket("demo", "nope", language="de", idempotency_key="k-3")
    assert unknown.value.status == 404
    assert unknown.value.code == "unknown_service"
    assert "anmeldung" in unknown.value.message
    clerk = ApiClient(live_server.url)
    with pytest.raises(ApiError) as refused:
        clerk.login("clerk1", "wrong")
    assert refused.value.status == 401
    clerk.login("clerk1", "demo")
    assert clerk.call_next("6") is None


def test_api_client_reports_an_unreachable_server() -> None:
    with httpx.Client() as probe, pytest.raises(httpx.TransportError):
        probe.get("http://127.0.0.1:9/")
    with pytest.raises(ServerUnreachable):
        ApiClient("http://127.0.0.1:9", timeout=1).health()


def test_stream_waits_as_a_429_asks_and_connects_after_it() -> None:
    """A busy server turning the handshake away with 429 and Retry-After is waited for, never given up on."""
    answers = ["busy", "busy", "open"]
    loop_ready = threading.Event()
    port = free_port()

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        if answers.pop(0) == "busy":
            response = connection.respond(HTTPStatus.TOO_MANY_REQUESTS, "slow down\n")
            response.headers["Retry-After"] = "1"
            return response
        return None

    async def handler(connection: ServerConnection) -> None:
        await connection.send(json.dumps({"type": "snapshot", "seq": 7, "data": {}}))
        await connection.wait_closed()

    async def main(stop: asyncio.Event) -> None:
        async with serve(handler, "127.0.0.1", port, process_request=process_request):
            loop_ready.set()
            await stop.wait()

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(main(stop),), daemon=True)
    thread.start()
    assert loop_ready.wait(10)
    stream, inbox = _stream(f"ws://127.0.0.1:{port}/ws")
    stream.start()
    try:
        delays = [_next(inbox, "reconnecting"), _next(inbox, "reconnecting")]
        assert all(1.0 <= delay <= 2.0 for delay in delays)  # as the server asked, plus a little jitter
        assert _next(inbox, "snapshot")["seq"] == 7
        assert answers == []
    finally:
        stream.stop()
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
