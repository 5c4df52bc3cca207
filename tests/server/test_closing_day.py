"""Closing the day: a supervisor's "close the day now", what phones, displays and statistics then show."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer, run_live_server

# What the phone says for a ticket the day closed on, in every language the status page speaks.
CLOSED_TEXTS = {
    "de": "Die Warteschlange für heute ist geschlossen",
    "en": "Today's queue is closed",
    "tr": "Bugünkü sıra kapandı",
    "ar": "تم إغلاق قائمة الانتظار لهذا اليوم",
    "uk": "Черга на сьогодні закрита",
    "ru": "Очередь на сегодня закрыта",
}


def _draw(server: LiveServer, service: str = "anmeldung") -> dict[str, object]:
    response = httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=server.kiosk_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _post(server: LiveServer, path: str, headers: dict[str, str], body: object = None) -> httpx.Response:
    return httpx.post(server.api(path), json=body, headers=headers, timeout=10)


def test_a_supervisor_closes_the_day_and_every_open_ticket_ends(live_server: LiveServer) -> None:
    clerk, supervisor = live_server.clerk_headers(), live_server.clerk_headers("super1")
    tickets = [_draw(live_server) for _ in range(5)]
    called = _post(live_server, "/counters/2/call-next", clerk).json()
    assert _post(live_server, "/counters/2/park", clerk).json()["status"] == "parked"
    serving = _post(live_server, "/counters/3/call-next", clerk).json()
    assert _post(live_server, "/counters/3/start", clerk).json()["status"] == "serving"
    at_counter = _post(live_server, "/counters/4/call-next", clerk).json()
    assert _post(live_server, "/sites/demo/close-day", clerk).status_code == 403
    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        display.snapshot()
        closed = _post(live_server, "/sites/demo/close-day", supervisor)
        assert closed.status_code == 200, closed.text
        assert (closed.json()["expired"], closed.json()["reason"]) == (4, "closed_by_supervisor")
        for ticket in (called, at_counter, *tickets[3:]):
            gone = display.wait_for(event("ticket.expired", number=ticket["number"]))
            assert (gone["data"]["status"], gone["data"]["reason"]) == ("expired", "closed_by_supervisor")
        display.wait_for(lambda m: m["type"] == "queue.changed" and not any(m["data"]["lines"].values()))
        display.wait_for(event("day.closed", reason="closed_by_supervisor", expired=4))
    statuses = {t["number"]: httpx.get(live_server.api(f"/tickets/{t['token']}")).json()["status"] for t in tickets}
    assert statuses[serving["number"]] == "serving", "the citizen at the counter is served to the end"
    assert sorted(statuses.values()) == ["expired"] * 4 + ["serving"]
    counter = httpx.get(live_server.api("/counters/4"), headers=clerk).json()
    assert counter["current"] is None
    refused = httpx.post(
        live_server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=live_server.kiosk_headers
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "service_day_closed")
    services = httpx.get(live_server.api("/sites/demo/services")).json()
    assert all(not s["open"] and s["waiting"] == 0 for s in services)
    assert _post(live_server, "/counters/2/call", clerk, {"number": called["number"]}).json()["code"] == "not_callable"
    assert _post(live_server, "/counters/3/finish", clerk).json()["status"] == "done"
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    stats = httpx.get(live_server.api(f"/sites/demo/stats?date={today}"), headers=supervisor).json()
    assert (stats["not_served_today"], stats["served"], stats["issued"]) == (4, 1, 5)


@pytest.mark.parametrize("language", sorted(CLOSED_TEXTS))
def test_the_phone_says_the_queue_is_closed(live_server: LiveServer, language: str) -> None:
    ticket = _draw(live_server)
    assert _post(live_server, "/sites/demo/close-day", live_server.clerk_headers("super1")).status_code == 200
    page = httpx.get(f"{live_server.url}/t/{ticket['token']}?lang={language}")
    assert page.status_code == 200
    assert CLOSED_TEXTS[language] in page.text


def test_calling_a_parked_or_no_show_ticket_again_starts_a_fresh_recall_count(tmp_path: Path) -> None:
    with run_live_server(tmp_path, max_recalls=1, undo_call_seconds=60) as server:
        clerk = server.clerk_headers()
        ticket = _draw(server)
        assert _post(server, "/counters/2/call-next", clerk).json()["number"] == ticket["number"]
        assert _post(server, "/counters/2/recall", clerk).json()["recalls"] == 1
        assert _post(server, "/counters/2/recall", clerk).json()["status"] == "no_show"
        again = _post(server, "/counters/2/call", clerk, {"number": ticket["number"]}).json()
        assert (again["status"], again["recalls"]) == ("called", 0)
        # Undone within the window, the ticket is a no-show again, not a waiting ticket in line.
        undone = _post(server, "/counters/2/undo-call", clerk)
        assert undone.status_code == 200, undone.text
        assert undone.json()["status"] == "no_show"
        assert _post(server, "/counters/2/call", clerk, {"number": ticket["number"]}).json()["recalls"] == 0
        recalled = _post(server, "/counters/2/recall", clerk).json()
        assert (recalled["status"], recalled["recalls"]) == ("called", 1), "the old count does not carry over"
        assert _post(server, "/counters/2/park", clerk).json()["status"] == "parked"
        assert _post(server, "/counters/3/call", clerk, {"number": ticket["number"]}).json()["recalls"] == 0
        assert _post(server, "/counters/3/undo-call", clerk).json()["status"] == "parked"
        snapshot = httpx.get(server.api("/sites/demo/services")).json()
        assert all(s["waiting"] == 0 for s in snapshot), "an undone call-back does not put the ticket in line"


def test_a_transfer_to_the_same_service_is_refused(live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    ticket = _draw(live_server)
    assert _post(live_server, "/counters/2/call-next", clerk).json()["number"] == ticket["number"]
    same = _post(live_server, "/counters/2/transfer", clerk, {"service": "anmeldung"})
    assert (same.status_code, same.json()["code"]) == (409, "transfer_same_service")
    moved = _post(live_server, "/counters/2/transfer", clerk, {"service": "ausweis"})
    assert moved.json()["status"] == "waiting"
