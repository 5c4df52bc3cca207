"""Device tokens: rotate and revoke by API and command line; a revoked device is cut off at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import websockets
from typer.testing import CliRunner

from aufruf.cli import app as aufruf_cli
from aufruf.events import DeviceKeyChanged
from server.demo import DEMO_KIOSK_TOKEN
from server.events.envelope import EventType
from server.events.log import NewEvent, record_events
from server.security.channel import security_channel
from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async


def bearer(token: str) -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"Bearer {token}"}


def draw(server: LiveServer, token: str) -> httpx.Response:
    """Ask for a ticket with a device token."""
    return httpx.post(server.api("/sites/demo/tickets"), json={"service": "meldebescheinigung"}, headers=bearer(token))


def test_rotate_gives_a_new_token_once_and_the_old_one_stops(live_server: LiveServer, admin_headers: dict) -> None:
    assert draw(live_server, DEMO_KIOSK_TOKEN).status_code == 201
    response = httpx.post(live_server.api("/devices/demo-kiosk/rotate"), headers=admin_headers)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    token = response.json()["token"]
    assert len(token) >= 40 and token != DEMO_KIOSK_TOKEN
    assert draw(live_server, DEMO_KIOSK_TOKEN).status_code == 401
    assert draw(live_server, token).status_code == 201
    listed = httpx.get(live_server.api("/admin/devices"), headers=admin_headers).json()
    assert "token" not in str(listed).lower().replace("token_", "")  # neither token nor hash is listed
    assert {d["id"]: d["active"] for d in listed} == {"demo-kiosk": True, "demo-display": True}


def test_unknown_device_is_a_clear_404(live_server: LiveServer, admin_headers: dict) -> None:
    response = httpx.post(live_server.api("/devices/nope/rotate"), headers=admin_headers)
    assert response.status_code == 404 and response.json()["code"] == "unknown_device"


async def _open_stream(server: LiveServer, token: str) -> websockets.ClientConnection:
    socket = await websockets.connect(f"{server.ws_url}/ws/sites/demo/display", additional_headers=bearer(token))
    first = await asyncio.wait_for(socket.recv(), 10)
    assert '"snapshot"' in str(first)
    return socket


def test_revoke_refuses_http_and_closes_the_open_websocket(live_server: LiveServer, admin_headers: dict) -> None:
    async def scenario() -> None:
        socket = await _open_stream(live_server, DEMO_KIOSK_TOKEN)
        anonymous = await websockets.connect(f"{live_server.ws_url}/ws/sites/demo/display")
        await asyncio.wait_for(anonymous.recv(), 10)
        async with httpx.AsyncClient() as client:
            response = await client.post(live_server.api("/devices/demo-kiosk/revoke"), headers=admin_headers)
        assert response.status_code == 200 and response.json()["active"] is False
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:  # events sent before the cut-off may still arrive; the close follows at once
                await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(f"{live_server.ws_url}/ws/sites/demo/display?token={DEMO_KIOSK_TOKEN}")
        await anonymous.ping()  # the public stream without a token is untouched
        await anonymous.close()

    run_async(scenario())
    assert draw(live_server, DEMO_KIOSK_TOKEN).status_code == 401
    # Rotating a revoked device enrols it again with a fresh token.
    token = httpx.post(live_server.api("/devices/demo-kiosk/rotate"), headers=admin_headers).json()["token"]
    assert draw(live_server, token).status_code == 201


def test_delete_revokes_too(live_server: LiveServer, admin_headers: dict) -> None:
    response = httpx.delete(live_server.api("/devices/demo-display"), headers=admin_headers)
    assert response.status_code == 204
    report = {"component": "display", "state": "ok"}
    refused = httpx.post(live_server.api("/sites/demo/devices/status"), json=report, headers=bearer("demo-display"))
    assert refused.status_code == 401


def test_rotated_token_survives_a_restart_with_the_same_config(tmp_path: Path) -> None:
    with run_live_server(tmp_path) as server:
        add_admin(server)
        headers = server.clerk_headers("admin1", ADMIN_PASSWORD)
        token = httpx.post(server.api("/devices/demo-kiosk/rotate"), headers=headers).json()["token"]
        httpx.post(server.api("/devices/demo-display/revoke"), headers=headers).raise_for_status()
    # The office config (with the old demo hashes) is applied again at start-up.
    with run_live_server(tmp_path) as server:
        assert draw(server, DEMO_KIOSK_TOKEN).status_code == 401
        assert draw(server, token).status_code == 201
        report = {"component": "display", "state": "ok"}
        url = server.api("/sites/demo/devices/status")
        assert httpx.post(url, json=report, headers=bearer("demo-display")).status_code == 401


def test_cli_rotate_and_revoke(tmp_path: Path) -> None:
    with run_live_server(tmp_path) as server:
        database_url = f"sqlite:///{server.data_dir / 'aufruf.db'}"
        runner = CliRunner()
        rotated = runner.invoke(aufruf_cli, ["device", "rotate", "demo-kiosk", "--database-url", database_url])
        assert rotated.exit_code == 0, rotated.output
        token = rotated.output.rsplit(": ", 1)[1].strip()
        assert draw(server, DEMO_KIOSK_TOKEN).status_code == 401
        assert draw(server, token).status_code == 201
        revoked = runner.invoke(aufruf_cli, ["device", "revoke", "demo-kiosk", "--database-url", database_url])
        assert revoked.exit_code == 0 and "revoked" in revoked.output
        assert draw(server, token).status_code == 401
        unknown = runner.invoke(aufruf_cli, ["device", "revoke", "ghost", "--database-url", database_url])
        assert unknown.exit_code == 2 and "No device 'ghost'" in unknown.output


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait until the server's side caught up (it closes its end in its own time)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never: {what}")


def test_a_device_stream_leaves_no_subscription_behind(live_server: LiveServer, admin_headers: dict) -> None:
    """Closed by the device or cut off by a revocation: neither the site's nor the security channel's stays."""
    hub = live_server.context.hub
    channel = security_channel("demo")

    async def scenario() -> None:
        baseline = hub.subscriber_count("demo")
        socket = await _open_stream(live_server, DEMO_KIOSK_TOKEN)
        assert (hub.subscriber_count("demo"), hub.subscriber_count(channel)) == (baseline + 1, 1)
        await socket.close()
        await _until(lambda: hub.subscriber_count("demo") == baseline, "the display's subscription left")
        await _until(lambda: hub.subscriber_count(channel) == 0, "the guard's subscription left")
        socket = await _open_stream(live_server, DEMO_KIOSK_TOKEN)
        async with httpx.AsyncClient() as client:
            await client.post(live_server.api("/devices/demo-kiosk/revoke"), headers=admin_headers)
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(socket.recv(), 5)
        await _until(lambda: hub.subscriber_count("demo") == baseline, "the revoked display's subscription left")
        await _until(lambda: hub.subscriber_count(channel) == 0, "the revoked guard's subscription left")

    run_async(scenario())


def test_a_guard_that_lost_events_in_a_burst_still_cuts_off_a_revoked_device(tmp_path: Path) -> None:
    """More security events at once than a subscription holds: the guard follows anew and still sees the revoke."""
    with run_live_server(tmp_path, client_queue_size=8) as server:
        add_admin(server)
        admin = server.clerk_headers("admin1", ADMIN_PASSWORD)
        hub, channel = server.context.hub, security_channel("demo")

        async def scenario() -> None:
            socket = await _open_stream(server, DEMO_KIOSK_TOKEN)
            [first] = hub.subscribers(channel)
            other = DeviceKeyChanged(device="another-kiosk", kind="kiosk", state="rotated")
            burst = [NewEvent(type=EventType.device_status, at=server.context.clock.now(), actor="test", data=other)]
            with server.context.database.transaction() as session:
                record_events(session=session, site_id=channel, events=burst * 9)  # one more than fits
            await _until(lambda: hub.subscribers(channel) not in ([], [first]), "the guard followed anew")
            async with httpx.AsyncClient() as client:
                await client.post(server.api("/devices/demo-kiosk/revoke"), headers=admin)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(socket.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008

        run_async(scenario())
