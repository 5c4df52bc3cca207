"""Counter locations from the office file reach the display's call, the phone and the ticket."""

from __future__ import annotations

import asyncio
import json

import httpx
from websockets.asyncio.client import connect

from tests.support.live_server import LiveServer
from tests.support.run_async import run_async


def test_call_event_carries_the_counter_location_and_the_ticket_language(live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()

    async def walk() -> dict[str, object]:
        async with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
            assert json.loads(await display.recv())["type"] == "snapshot"
            drawn = httpx.post(
                live_server.api("/sites/demo/tickets"), json={"service": "standesamt", "language": "tr"},
                headers=live_server.kiosk_headers,
            ).json()
            # The registry office is served at counter 8 only: the ticket says where.
            assert drawn["service_location"]["de"] == "Raum 110 · 1. OG · Treppe hoch, dann rechts"
            assert drawn["service_location"]["tr"] == "Oda 110 · 1. kat · Merdivenden yukarı, sonra sağa"
            assert httpx.post(live_server.api("/counters/8/call-next"), headers=clerk).status_code == 200
            while True:
                message = json.loads(await asyncio.wait_for(display.recv(), timeout=10))
                if message["type"] == "ticket.called":
                    return dict(message["data"])

    called = run_async(walk())
    assert called["language"] == "tr"
    location = called["counter_location"]
    assert isinstance(location, dict)
    assert location["de"] == "Raum 110 · 1. OG · Treppe hoch, dann rechts"
    assert location["en"] == "Room 110 · 1st floor · Up the stairs, then right"
    assert location["ar"].startswith("الغرفة 110")
    # The holder's extra is not broadcast, and nothing secret is.
    assert "service_location" not in called and "token" not in called


def test_a_service_served_at_several_counters_has_no_single_place(live_server: LiveServer) -> None:
    drawn = httpx.post(
        live_server.api("/sites/demo/tickets"), json={"service": "anmeldung", "language": "de"},
        headers=live_server.kiosk_headers,
    ).json()
    assert drawn["service_location"] is None
    assert drawn["counter_location"] is None  # not called yet
