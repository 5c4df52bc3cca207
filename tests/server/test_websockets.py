"""Websockets against a real uvicorn: snapshot first, ordered seq, auth, slow clients dropped."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async


async def _receive(websocket: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(websocket.recv(), timeout=10)))


async def _receive_change(websocket: ClientConnection) -> dict[str, Any]:
    """The next message of a command, past the forecaster's range updates (they come when its recompute ends)."""
    while True:
        message = await _receive(websocket)
        if not (message["type"] == "queue.changed" and message["data"].get("estimates_only")):
            return message


async def _draw(live_server: LiveServer, service: str = "anmeldung") -> dict[str, Any]:
    # A generous timeout: 20 draws at once on a loaded machine may take longer than httpx's default 5 s.
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            live_server.api("/sites/demo/tickets"), json={"service": service}, headers=live_server.kiosk_headers
        )
    response.raise_for_status()
    return dict(response.json())


def test_the_contract_walk(live_server: LiveServer) -> None:
    """Kiosk draws → display sees ticket.created → clerk calls → display sees ticket.called → finish."""

    async def walk() -> None:
        async with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
            snapshot = await _receive(display)
            assert snapshot["type"] == "snapshot"
            assert {"site", "services", "lines", "counters", "calls"} <= set(snapshot["data"])
            ticket = await _draw(live_server)
            created = await _receive(display)
            assert (created["type"], created["data"]["number"]) == ("ticket.created", ticket["number"])
            assert created["seq"] == snapshot["seq"] + 1
            assert (await _receive(display))["type"] == "queue.changed"
            assert "token" not in created["data"]
            async with httpx.AsyncClient(base_url=live_server.api("")) as http:
                login = await http.post("/auth/login", json={"username": "clerk1", "password": "demo"})
                clerk = {"Authorization": f"Bearer {login.json()['access_token']}"}
                await http.post("/counters/3/call-next", headers=clerk)
                seen = [await _receive(display) for _ in range(3)]
                called = next(m for m in seen if m["type"] == "ticket.called")
                assert (called["data"]["number"], called["data"]["counter"]) == (ticket["number"], "3")
                assert called["data"]["counter_name"] == "Schalter 3"
                assert [m["seq"] for m in seen] == list(range(created["seq"] + 2, created["seq"] + 5))
                assert (await http.post("/counters/3/finish", headers=clerk)).json()["status"] == "done"
                # The call opened counter 3: the forecaster's new ranges may come before the finish's events.
                finished = [await _receive_change(display) for _ in range(2)]
                assert finished[0]["type"] == "ticket.finished"
                assert {"seq", "type", "at", "data"} <= set(finished[0])

    run_async(walk())


def test_every_stream_starts_with_a_snapshot_and_refuses_strangers(live_server: LiveServer) -> None:
    async def check() -> None:
        ticket = await _draw(live_server)
        async with connect(f"{live_server.ws_url}/ws/tickets/{ticket['token']}") as mine:
            snapshot = await _receive(mine)
            assert snapshot["data"]["ticket"]["number"] == ticket["number"]
            assert snapshot["data"]["ticket"]["token"] == ticket["token"]
        token = live_server.clerk_headers()["Authorization"].split()[1]
        async with connect(f"{live_server.ws_url}/ws/counters/2?token={token}") as counter:
            assert (await _receive(counter))["data"]["counter"]["id"] == "2"
        async with connect(
            f"{live_server.ws_url}/ws/counters/2", additional_headers={"Authorization": f"Bearer {token}"}
        ) as counter:
            assert (await _receive(counter))["type"] == "snapshot"
        for path in ("/ws/counters/2", "/ws/counters/2?token=bad", "/ws/tickets/bad", "/ws/sites/nowhere/display"):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(f"{live_server.ws_url}{path}"):
                    pass
            assert refused.value.response.status_code == 403

    run_async(check())


def test_a_client_asking_to_resync_gets_a_fresh_snapshot(live_server: LiveServer) -> None:
    async def check() -> None:
        async with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
            await _receive(display)
            await _draw(live_server)
            await _receive(display)
            await _receive(display)
            await display.send(json.dumps({"type": "resync"}))
            fresh = await _receive(display)
            assert fresh["type"] == "snapshot"
            assert fresh["data"]["lines"]["anmeldung"] == ["A001"]

    run_async(check())


def test_many_events_arrive_in_strict_seq_order(live_server: LiveServer) -> None:
    async def check() -> None:
        async with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
            start = (await _receive(display))["seq"]
            await asyncio.gather(*(_draw(live_server, service) for service in ["kfz", "abholung", "ausweis"] * 10))
            seqs = [(await _receive(display))["seq"] for _ in range(60)]
            assert seqs == list(range(start + 1, start + 61))

    run_async(check())


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "queued"])
def test_both_delivery_paths_keep_order_and_resync(tmp_path: Path, direct: bool) -> None:
    """Frames written by the fan-out itself, or queued through uvicorn's plain ASGI send: the same stream."""

    async def check(live_server: LiveServer) -> None:
        async with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
            start = (await _receive(display))["seq"]
            # Besides the web push watcher's inbox, the display is the only subscriber.
            written = sorted(s.socket is not None for s in live_server.context.hub.subscribers("demo"))
            assert written == ([False, True] if direct else [False, False])
            await asyncio.gather(*(_draw(live_server, service) for service in ["kfz", "ausweis"] * 5))
            seqs = [(await _receive(display))["seq"] for _ in range(20)]
            assert seqs == list(range(start + 1, start + 21))
            await display.send(b"\x00 not text")  # ignored, like any text that is not a resync request
            await display.send("not json")
            await display.send(json.dumps({"type": "resync"}))
            fresh = await _receive(display)
            assert (fresh["type"], fresh["seq"]) == ("snapshot", start + 20)
            await _draw(live_server, "abholung")
            assert (await _receive(display))["seq"] == start + 21

    with run_live_server(tmp_path, direct_websockets=direct) as live_server:
        run_async(check(live_server))


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "queued"])
def test_a_slow_client_is_dropped_without_delaying_a_fast_one(tmp_path: Path, direct: bool) -> None:
    """The slow client never reads; the fast one gets every event; the server drops the slow one."""

    async def check(live_server: LiveServer) -> None:
        hub = live_server.context.hub
        # A tiny receive window, set before connecting so TCP advertises it from the start.
        slow_socket = socket.socket()
        slow_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow_socket.connect(("127.0.0.1", live_server.port))
        async with (
            connect(
                f"{live_server.ws_url}/ws/sites/demo/display", sock=slow_socket, max_queue=1, ping_interval=None
            ) as slow,
            connect(f"{live_server.ws_url}/ws/sites/demo/display") as fast,
        ):
            start = (await _receive(fast))["seq"]
            connected = hub.subscriber_count("demo")
            seqs: list[int] = []
            everything_read = asyncio.Event()
            expected = 0

            async def read_fast() -> None:
                while True:
                    seqs.append((await _receive(fast))["seq"])
                    if expected and len(seqs) >= expected:
                        everything_read.set()

            reader = asyncio.create_task(read_fast())
            total = 0
            while hub.subscriber_count("demo") >= connected and total < 2000:
                await asyncio.gather(*(_draw(live_server, "anmeldung") for _ in range(20)))
                total += 20
            assert hub.subscriber_count("demo") < connected, "the slow client was never dropped"
            expected = total * 2
            if len(seqs) < expected:
                await asyncio.wait_for(everything_read.wait(), timeout=30)
            reader.cancel()
            print(f"slow client dropped after {total} tickets")
            assert seqs == list(range(start + 1, start + 1 + total * 2))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await slow.recv()
            # 1013 when the close frame gets through; otherwise the server aborted the stuck connection.
            assert closed.value.rcvd is None or closed.value.rcvd.code == 1013

    with run_live_server(
        tmp_path, direct_websockets=direct, client_queue_size=64, client_backlog_kib=64
    ) as live_server:
        run_async(check(live_server))


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "queued"])
def test_closed_streams_leave_no_subscription_behind(tmp_path: Path, direct: bool) -> None:
    """Displays, a counter and a ticket page come and go; the hub keeps only the push watcher's subscription."""

    async def settled(hub: Any, count: int) -> None:
        for _ in range(500):  # the server notices each close in its own time
            if hub.subscriber_count("demo") == count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{hub.subscriber_count('demo')} subscriptions stayed, not {count}")

    async def check(live_server: LiveServer) -> None:
        hub = live_server.context.hub
        baseline = hub.subscriber_count("demo")
        ticket = await _draw(live_server)
        token = live_server.clerk_headers()["Authorization"].split()[1]
        paths = ["/ws/sites/demo/display"] * 3 + [f"/ws/counters/2?token={token}", f"/ws/tickets/{ticket['token']}"]
        streams = [await connect(f"{live_server.ws_url}{path}") for path in paths]
        for stream in streams:
            assert (await _receive(stream))["type"] == "snapshot"
        assert hub.subscriber_count("demo") == baseline + len(paths)
        await streams[0].send(json.dumps({"type": "resync"}))  # one is between snapshots when it goes
        for stream in streams:
            await stream.close()
        await settled(hub, baseline)
        # Events after they left reach nobody and bring nobody back.
        await _draw(live_server)
        await settled(hub, baseline)

    with run_live_server(tmp_path, direct_websockets=direct) as live_server:
        run_async(check(live_server))
