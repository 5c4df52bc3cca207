"""Server actions the counter app needs beyond the contract: services, auto no-show, undo, alarm."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with a recall limit of 1 and a generous undo window."""
    with run_live_server(tmp_path, max_recalls=1, undo_call_seconds=60) as server:
        yield server


def _draw(server: LiveServer, service: str = "anmeldung") -> dict[str, object]:
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=server.kiosk_headers)
    response.raise_for_status()
    return dict(response.json())


def test_services_today_must_be_within_what_the_counter_may_serve(live_server: LiveServer) -> None:
    headers = live_server.clerk_headers()
    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        ok = httpx.put(live_server.api("/counters/2/services"), json={"services": ["ausweis"]}, headers=headers)
        assert ok.status_code == 200, ok.text
        assert ok.json()["active_services"] == ["ausweis"]
        display.wait_for(lambda m: m["type"] == "counter.changed" and m["data"]["active_services"] == ["ausweis"])
    refused = httpx.put(live_server.api("/counters/2/services"), json={"services": ["kfz"]}, headers=headers)
    assert refused.status_code == 409
    assert "kfz" in refused.json()["detail"]
    # Counter 2 now serves only passports, so an address registration is not called there.
    _draw(live_server, "anmeldung")
    assert httpx.post(live_server.api("/counters/2/call-next"), headers=headers).status_code == 204


def test_recall_past_the_limit_is_a_system_no_show(strict_server: LiveServer) -> None:
    headers = strict_server.clerk_headers()
    ticket = _draw(strict_server)
    with watching(f"{strict_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        httpx.post(strict_server.api("/counters/3/call-next"), headers=headers).raise_for_status()
        first = httpx.post(strict_server.api("/counters/3/recall"), headers=headers)
        assert first.json()["status"] == "called"
        second = httpx.post(strict_server.api("/counters/3/recall"), headers=headers)
        assert second.json()["status"] == "no_show"
        gone = display.wait_for(event("ticket.no_show", number=ticket["number"]))
        assert gone["data"]["reason"] == "recall_limit"
    with strict_server.context.database.transaction() as session:
        from sqlmodel import select

        from server.events.models import EventRecord

        row = session.exec(select(EventRecord).where(EventRecord.type == "ticket.no_show")).one()
        assert row.actor == "system"


def test_undo_puts_the_ticket_back_at_its_place(strict_server: LiveServer) -> None:
    headers = strict_server.clerk_headers("clerk2")
    first, second = _draw(strict_server), _draw(strict_server)
    with watching(f"{strict_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        called = httpx.post(strict_server.api("/counters/3/call-next"), headers=headers).json()
        assert called["number"] == first["number"]
        undone = httpx.post(strict_server.api("/counters/3/undo-call"), headers=headers)
        assert undone.status_code == 200, undone.text
        assert undone.json()["status"] == "waiting" and undone.json()["position"] == 1
        seen = display.wait_for(event("ticket.requeued", number=first["number"]))
        # The public stream says where the call was undone, never by whom; the log's actor keeps that.
        assert seen["data"]["from_counter"] == "3" and "clerk2" not in json.dumps(seen)
    line = httpx.get(strict_server.api("/sites/demo/services")).json()
    assert next(s for s in line if s["id"] == "anmeldung")["waiting"] == 2
    again = httpx.post(strict_server.api("/counters/3/call-next"), headers=headers).json()
    assert again["number"] == first["number"] != second["number"]
    httpx.post(strict_server.api("/counters/3/start"), headers=headers).raise_for_status()
    late = httpx.post(strict_server.api("/counters/3/undo-call"), headers=headers)
    assert late.status_code == 409 and late.json()["code"] == "undo_too_late"


def test_undo_window_closes(tmp_path: Path) -> None:
    with run_live_server(tmp_path, undo_call_seconds=0) as server:
        headers = server.clerk_headers()
        _draw(server)
        httpx.post(server.api("/counters/3/call-next"), headers=headers).raise_for_status()
        late = httpx.post(server.api("/counters/3/undo-call"), headers=headers)
        assert late.status_code == 409, late.text


def test_alarm_reaches_supervisors_only(live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    supervisor_token = live_server.clerk_headers("super1")["Authorization"].split()[1]
    clerk_token = clerk["Authorization"].split()[1]
    ticket = _draw(live_server)
    base = live_server.ws_url
    with (
        watching(f"{base}/ws/sites/demo/display") as display,
        watching(f"{base}/ws/tickets/{ticket['token']}") as phone,
        watching(f"{base}/ws/counters/4", token=clerk_token) as counter,
        watching(f"{base}/ws/sites/demo/supervisor", token=supervisor_token) as supervisor,
        watching(f"{base}/ws/sites/demo/supervisor", token=clerk_token) as not_supervisor,
    ):
        for stream in (display, phone, counter, supervisor):
            stream.snapshot()
        assert "403" in not_supervisor.wait_refused()
        raised = httpx.post(live_server.api("/counters/4/alarm"), json={"note": "aggressiv"}, headers=clerk)
        assert raised.status_code == 202, raised.text
        alarm = supervisor.wait_for(event("counter.alarm", counter="4", note="aggressiv"))
        assert alarm["data"]["clerk"] == "Clerk One"
        # A public event after the alarm: once the display has it, the alarm would have come first.
        httpx.post(live_server.api("/counters/4/pause"), headers=clerk).raise_for_status()
        for public in (display, phone, counter):
            public.wait_for(event("counter.changed", id="4", status="paused"))
            assert "counter.alarm" not in public.types()
            assert "aggressiv" not in str(public.messages)
    with watching(f"{base}/ws/sites/demo/supervisor", token=supervisor_token) as later:
        assert later.snapshot()["data"]["alarms"][0]["note"] == "aggressiv"
