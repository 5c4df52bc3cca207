"""A remote ticket's turn: checked in at the kiosk it is called in its place; if not, it moves back, then expires.

Runs on the server's virtual clock through a real uvicorn; the day close and the statistics count remote tickets.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from server.clock import ManualClock
from tests.remote_join.support import client_from, join, remote_office
from tests.support.live_server import LiveServer, run_live_server


def _draw(server: LiveServer, service: str = "anmeldung") -> dict[str, Any]:
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=server.kiosk_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _phone(server: LiveServer, address: str = "127.0.0.2") -> dict[str, Any]:
    with client_from(address) as phone:
        response = join(phone, server)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _ticket(server: LiveServer, token: str) -> dict[str, Any]:
    return dict(httpx.get(server.api(f"/tickets/{token}")).json())


def _call(server: LiveServer, clerk: dict[str, str], counter: str = "2") -> httpx.Response:
    return httpx.post(server.api(f"/counters/{counter}/call-next"), headers=clerk, timeout=10)


def _finish(server: LiveServer, clerk: dict[str, str], counter: str = "2") -> None:
    httpx.post(server.api(f"/counters/{counter}/finish"), headers=clerk, timeout=10).raise_for_status()


def test_a_checked_in_phone_ticket_is_called_in_its_place(remote_server: LiveServer) -> None:
    remote = _phone(remote_server)
    walk_in = _draw(remote_server)
    assert remote["ticket"]["channel"] == "remote" and walk_in["channel"] == "kiosk"
    assert remote["check_in"] is True and len(remote["code"]) == 6
    checked = httpx.post(
        remote_server.api("/sites/demo/remote-join/check-in"), json={"code": remote["code"].lower()},
        headers=remote_server.kiosk_headers,
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["number"] == remote["ticket"]["number"]
    called = _call(remote_server, remote_server.clerk_headers())
    assert called.json()["number"] == remote["ticket"]["number"], "checked in, the phone ticket keeps its place"


def test_the_scanned_status_url_checks_in_and_unknown_codes_are_refused(remote_server: LiveServer) -> None:
    remote = _phone(remote_server)
    url = remote["ticket"]["status_url"]
    kiosk = remote_server.kiosk_headers
    first = httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": url}, headers=kiosk)
    again = httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": url}, headers=kiosk)
    assert (first.status_code, again.status_code) == (200, 200), "checking in twice is harmless"
    unknown = httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": "ZZZ-222"},
                         headers=kiosk)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_remote_ticket")
    anyone = httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": url})
    assert anyone.status_code == 401, "only a kiosk checks in"


def test_not_checked_in_it_moves_back_then_expires(tmp_path: Path, tuesday: ManualClock) -> None:
    office = remote_office(move_back_places=2, max_move_backs=1)
    with run_live_server(tmp_path, office=office, clock=tuesday) as server:
        clerk = server.clerk_headers()
        remote = _phone(server)
        token = remote["ticket"]["token"]
        walk_ins = []
        for _ in range(4):
            tuesday.advance(timedelta(minutes=1))  # citizens arrive one after another
            walk_ins.append(_draw(server))
        assert _ticket(server, token)["position"] == 1
        # Its turn: not checked in, so the next citizen is called instead, and it goes behind two more.
        assert _call(server, clerk).json()["number"] == walk_ins[0]["number"]
        assert _ticket(server, token)["position"] == 3, "behind the second and third walk-in, ahead of the fourth"
        for walk_in in walk_ins[1:3]:
            tuesday.advance(timedelta(minutes=9))
            _finish(server, clerk)
            assert _call(server, clerk).json()["number"] == walk_in["number"]
        assert _ticket(server, token)["position"] == 1
        tuesday.advance(timedelta(minutes=9))
        _finish(server, clerk)
        # Its turn again, still not checked in, and it was moved back once already: it expires.
        assert _call(server, clerk).json()["number"] == walk_ins[3]["number"]
        assert _ticket(server, token)["status"] == "expired"
        late = httpx.post(server.api("/sites/demo/remote-join/check-in"), json={"code": remote["code"]},
                          headers=server.kiosk_headers)
        assert (late.status_code, late.json()["code"]) == (409, "remote_expired")
        _finish(server, clerk)
        day = tuesday.now().date().isoformat()
        stats = httpx.get(server.api(f"/sites/demo/stats?date={day}"), headers=server.clerk_headers("super1")).json()
        assert (stats["issued"], stats["remote"], stats["remote_missed_check_in"], stats["served"]) == (5, 1, 1, 4)


def test_without_check_in_a_phone_ticket_is_called_at_once(tmp_path: Path, tuesday: ManualClock) -> None:
    with run_live_server(tmp_path, office=remote_office(check_in="none"), clock=tuesday) as server:
        remote = _phone(server)
        assert remote["check_in"] is False
        _draw(server)
        assert _call(server, server.clerk_headers()).json()["number"] == remote["ticket"]["number"]


def test_the_day_close_and_the_statistics_count_phone_tickets(remote_server: LiveServer, tuesday: ManualClock) -> None:
    remote = [_phone(remote_server, "127.0.0.2"), _phone(remote_server, "127.0.0.3")]
    walk_ins = [_draw(remote_server) for _ in range(3)]
    clerk = remote_server.clerk_headers()
    httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": remote[0]["code"]},
               headers=remote_server.kiosk_headers).raise_for_status()
    assert _call(remote_server, clerk).json()["number"] == remote[0]["ticket"]["number"]
    tuesday.advance(timedelta(minutes=5))
    _finish(remote_server, clerk)
    closed = httpx.post(remote_server.api("/sites/demo/close-day"), headers=remote_server.clerk_headers("super1"))
    assert closed.status_code == 200, closed.text
    # Open at closing: the second phone ticket and the three walk-ins.
    assert (closed.json()["expired"], closed.json()["expired_remote"]) == (4, 1)
    day = tuesday.now().date().isoformat()
    stats = httpx.get(remote_server.api(f"/sites/demo/stats?date={day}"),
                      headers=remote_server.clerk_headers("super1")).json()
    assert (stats["issued"], stats["remote"], stats["served"], stats["not_served_today"]) == (5, 2, 1, 4)
    assert stats["remote_missed_check_in"] == 0, "expired by the day close, not by a missed turn"
    rows = {row["key"]: row for row in stats["services"]}
    assert (rows["anmeldung"]["issued"], rows["anmeldung"]["remote"]) == (5, 2)
    assert len(walk_ins) == 3
