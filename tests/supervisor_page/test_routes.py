"""The supervisor page's HTTP and websocket routes: roles, headers, the live snapshot, acknowledgement."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.live_server import LiveServer


def test_page_shell_and_headers(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/supervisor/demo?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text and "Supervision" in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "img-src 'self' blob: data:" in policy
    assert response.headers["cache-control"] == "no-store"
    assert httpx.get(f"{live_server.url}/supervisor/nowhere").status_code == 404
    assert httpx.get(f"{live_server.url}/supervisor/assets/supervisor.js").status_code == 200
    assert httpx.get(f"{live_server.url}/supervisor/assets/routes.py").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/sites/demo/supervision"), ("POST", "/sites/demo/alarms/1/acknowledge")]
)
def test_roles(live_server: LiveServer, method: str, path: str) -> None:
    assert httpx.request(method, live_server.api(path)).status_code == 401
    clerk = live_server.clerk_headers("clerk1")
    assert httpx.request(method, live_server.api(path), headers=clerk).status_code == 403


def test_websocket_refuses_clerks_and_strangers(live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers("clerk1")["Authorization"].split()[1]
    for query in ("", f"?token={clerk}"):
        # Refused before the handshake completes: the answer is a plain 403.
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{live_server.ws_url}/ws/sites/demo/supervision{query}")
        assert refused.value.response.status_code == 403


def test_snapshot_and_live_events(live_server: LiveServer) -> None:
    supervisor = live_server.clerk_headers("super1")
    token = supervisor["Authorization"].split()[1]
    clerk = live_server.clerk_headers("clerk1")
    httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
               json={"component": "printer", "state": "paper_out"}).raise_for_status()
    httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
               json={"component": "printer", "state": "ok"}).raise_for_status()
    httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
               json={"component": "scanner", "state": "offline"}).raise_for_status()
    httpx.post(live_server.api("/sites/demo/tickets"), json={"service": "kfz"},
               headers=live_server.kiosk_headers).raise_for_status()
    with connect(f"{live_server.ws_url}/ws/sites/demo/supervision?token={token}") as socket:
        snapshot = json.loads(socket.recv(timeout=5))
        assert snapshot["type"] == "snapshot"
        data = snapshot["data"]
        kiosk = next(device for device in data["devices"] if device["id"] == "demo-kiosk")
        # Only the latest report per part counts: the printer is fine again, the scanner is not.
        assert {part: report["state"] for part, report in kiosk["components"].items()} == {
            "printer": "ok", "scanner": "offline",
        }
        kfz = next(queue for queue in data["queues"] if queue["id"] == "kfz")
        assert kfz["waiting"] == 1 and kfz["oldest_queued_at"] is not None
        assert {c["id"]: c["status"] for c in data["counters"]}["6"] == "closed"
        httpx.post(live_server.api("/counters/6/call-next"), headers=clerk).raise_for_status()
        types = []
        while "counter.changed" not in types:
            message = json.loads(socket.recv(timeout=5))
            types.append(message["type"])
            assert message["seq"] > snapshot["seq"]
        assert message["data"]["id"] == "6" and message["data"]["current"]["number"] == "K001"
        socket.send(json.dumps({"type": "resync"}))
        while (message := json.loads(socket.recv(timeout=5)))["type"] != "snapshot":
            pass
        counter = next(c for c in message["data"]["counters"] if c["id"] == "6")
        assert (counter["clerk"], counter["current"]["number"], counter["current"]["status"]) == (
            "Clerk One", "K001", "called",
        )


def test_acknowledge(live_server: LiveServer) -> None:
    supervisor = live_server.clerk_headers("super1")
    clerk = live_server.clerk_headers("clerk1")
    alarm = httpx.post(live_server.api("/counters/5/alarm"), headers=clerk).json()["id"]
    assert httpx.post(live_server.api(f"/sites/demo/alarms/{alarm + 1}/acknowledge"), headers=supervisor
                      ).status_code == 404
    token = supervisor["Authorization"].split()[1]
    with connect(f"{live_server.ws_url}/ws/sites/demo/supervisor?token={token}") as alarms:
        assert json.loads(alarms.recv(timeout=5))["type"] == "snapshot"
        response = httpx.post(live_server.api(f"/sites/demo/alarms/{alarm}/acknowledge"), headers=supervisor)
        assert response.status_code == 204
        message = json.loads(alarms.recv(timeout=5))
        assert (message["type"], message["data"]) == ("alarm.acknowledged", {"alarm": alarm, "by": "Supervisor"})
    picture = httpx.get(live_server.api("/sites/demo/supervision"), headers=supervisor).json()
    assert picture["acknowledged"] == {str(alarm): "Supervisor"}


def test_display_stream_never_carries_acknowledgements(live_server: LiveServer) -> None:
    supervisor = live_server.clerk_headers("super1")
    clerk = live_server.clerk_headers("clerk1")
    with connect(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.recv(timeout=5)
        # Generous timeouts: on a loaded machine a request may take longer than httpx's default 5 s.
        alarm = httpx.post(live_server.api("/counters/5/alarm"), headers=clerk, timeout=30).json()["id"]
        httpx.post(live_server.api(f"/sites/demo/alarms/{alarm}/acknowledge"), headers=supervisor, timeout=30)
        httpx.post(
            live_server.api("/sites/demo/tickets"), json={"service": "kfz"}, headers=live_server.kiosk_headers,
            timeout=30,
        )
        types = []
        while "queue.changed" not in types:
            types.append(json.loads(display.recv(timeout=5))["type"])
        assert not {"counter.alarm", "alarm.acknowledged"} & set(types)
