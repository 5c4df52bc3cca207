"""A supervisor's controls for the day through a real server: roles per site, streams, audit, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from server.clock import ManualClock
from server.demo import demo_office
from server.events.models import EventRecord
from server.office.schema import OfficeConfig
from server.security.models import AuditRecord
from tests.counter_app.watch import event, watching
from tests.support.live_server import LiveServer, run_live_server

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
GERMAN = "Wegen einer Störung können wir heute keine Ausweise mehr ausstellen."
ENGLISH = "Due to a fault we cannot issue ID cards any more today."
MESSAGE = {"de": GERMAN, "en": ENGLISH, "tr": "Bir arıza nedeniyle bugün kimlik kartı veremiyoruz."}
STAFF_NAMES = ("super1", "super2", "Supervisor", "clerk1", "Clerk One")


def two_sites() -> OfficeConfig:
    """The demo office plus a second site 'nord'; super1 supervises demo only, super2 nord only."""
    office = demo_office()
    demo = office.sites[0]
    clerks = []
    for clerk in office.clerks:
        clerks.append(clerk.model_copy(update={"sites": ["demo"]}))
        if clerk.username == "super1":
            clerks.append(clerk.model_copy(update={"username": "super2", "sites": ["nord"]}))
    return office.model_copy(
        update={"sites": [demo, demo.model_copy(update={"id": "nord", "devices": []})], "clerks": clerks}
    )


@pytest.fixture
def clock() -> ManualClock:
    """A virtual clock on a Tuesday morning; the demo site is always open."""
    return ManualClock(START)


@pytest.fixture
def server(tmp_path: Path, clock: ManualClock) -> Iterator[LiveServer]:
    """Two sites on a real uvicorn server, on the virtual clock."""
    with run_live_server(tmp_path, office=two_sites(), clock=clock) as live:
        yield live


def draw(server: LiveServer, service: str) -> dict[str, Any]:
    """A kiosk ticket for a service at the demo site."""
    response = httpx.post(
        server.api("/sites/demo/tickets"), json={"service": service, "language": "de"}, headers=server.kiosk_headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def services(server: LiveServer) -> dict[str, dict[str, Any]]:
    """The public service list of the demo site by id."""
    return {s["id"]: s for s in httpx.get(server.api("/sites/demo/services")).json()}


def audit(server: LiveServer, action: str) -> list[AuditRecord]:
    """The audit records of an action."""
    with server.context.database.read() as session:
        return list(session.exec(select(AuditRecord).where(AuditRecord.action == action)).all())


def test_each_control_is_for_the_sites_supervisor_only(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    other_site = server.clerk_headers("super2")
    clerk = {**server.clerk_headers("clerk1"), "X-Aufruf-Workstation": "ws-1"}
    assert httpx.post(server.api("/counters/2/open"), json={}, headers=clerk).status_code == 200
    draw(server, "ausweis")
    controls: list[tuple[str, str, dict[str, Any] | None, int]] = [
        ("GET", "/sites/demo/day-controls", None, 200),
        ("POST", "/sites/demo/services/ausweis/close", {"message": MESSAGE}, 200),
        ("POST", "/sites/demo/services/ausweis/reopen", None, 200),
        ("PUT", "/sites/demo/services/anmeldung/quota", {"quota": 40}, 200),
        ("POST", "/sites/demo/notices", {"texts": {"de": "Störung", "en": "Fault"}, "minutes": 30}, 201),
        ("DELETE", "/sites/demo/notices/1", None, 200),
        ("POST", "/sites/demo/services/ausweis/move", {"to": "anmeldung"}, 200),
        ("POST", "/sites/demo/counters/2/end-session", None, 200),
        ("POST", "/sites/demo/close-day", None, 200),
    ]
    for method, path, body, allowed in controls:
        anonymous = httpx.request(method, server.api(path), json=body)
        assert anonymous.status_code == 401, (path, anonymous.text)
        refused_clerk = httpx.request(method, server.api(path), json=body, headers=clerk)
        assert refused_clerk.status_code == 403, (path, refused_clerk.text)
        refused_other = httpx.request(method, server.api(path), json=body, headers=other_site)
        assert (refused_other.status_code, refused_other.json()["code"]) == (403, "site_not_granted"), path
        done = httpx.request(method, server.api(path), json=body, headers=supervisor)
        assert done.status_code == allowed, (path, done.text)
    # The other site's supervisor runs the same controls at their own site.
    own = httpx.post(server.api("/sites/nord/services/ausweis/close"), json={"message": MESSAGE}, headers=other_site)
    assert own.status_code == 200 and own.json()["closed"]
    assert services(server)["ausweis"]["open"] is False  # demo: the day is closed, not the nord closure
    assert services(server)["ausweis"]["closed_reason"] == "day_closed"
    actions = {record.action for record in audit(server, "service.closed")}
    assert actions == {"service.closed"} and len(audit(server, "service.closed")) == 2
    for action in (
        "service.reopened",
        "service.quota",
        "notice.posted",
        "notice.withdrawn",
        "tickets.moved",
        "counter.session_ended",
        "day.closed",
    ):
        assert [r.actor for r in audit(server, action)][:1] == ["clerk:super1"], action


def test_closing_a_service_stops_new_tickets_and_tells_kiosks_and_phones(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    waiting = draw(server, "ausweis")
    with (
        watching(f"{server.ws_url}/ws/tickets/{waiting['token']}") as phone,
        watching(f"{server.ws_url}/ws/sites/demo/display") as display,
    ):
        phone.snapshot()
        display.snapshot()
        closed = httpx.post(
            server.api("/sites/demo/services/ausweis/close"), json={"message": MESSAGE}, headers=supervisor
        )
        assert closed.status_code == 200 and closed.json()["closed"] is True
        told = phone.wait_for(event("service.closed", service="ausweis"))
        assert told["data"]["message"] == MESSAGE
        queue = display.wait_for(
            lambda m: (
                m["type"] == "queue.changed"
                and any(
                    s["id"] == "ausweis" and s["closed_reason"] == "closed_by_supervisor" for s in m["data"]["services"]
                )
            )
        )
        shown = next(s for s in queue["data"]["services"] if s["id"] == "ausweis")
        assert shown["closed_message"] == MESSAGE and shown["open"] is False
        public = json.dumps(display.messages + phone.messages, ensure_ascii=False)
        assert not any(name in public for name in STAFF_NAMES)
    refused = httpx.post(server.api("/sites/demo/tickets"), json={"service": "ausweis"}, headers=server.kiosk_headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "service_closed_by_supervisor")
    assert services(server)["ausweis"]["closed_message"]["de"] == GERMAN
    # The ticket already waiting stays and is served.
    clerk = {**server.clerk_headers("clerk1"), "X-Aufruf-Workstation": "ws-1"}
    called = httpx.post(server.api("/counters/3/call-next"), headers=clerk)
    assert called.status_code == 200 and called.json()["number"] == waiting["number"]
    # Reopened, the kiosk issues again; reopening twice is a clear conflict.
    reopened = httpx.post(server.api("/sites/demo/services/ausweis/reopen"), headers=supervisor)
    assert reopened.status_code == 200 and reopened.json()["closed"] is False
    assert services(server)["ausweis"]["open"] is True and services(server)["ausweis"]["closed_message"] is None
    draw(server, "ausweis")
    again = httpx.post(server.api("/sites/demo/services/ausweis/reopen"), headers=supervisor)
    assert (again.status_code, again.json()["code"]) == (409, "service_not_closed")
    with server.context.database.read() as session:
        logged = session.exec(select(EventRecord).where(EventRecord.type == "service.closed")).one()
    assert logged.actor == "clerk:super1" and "super1" not in json.dumps(logged.data)


def test_a_closure_lasts_for_the_rest_of_the_day_only(server: LiveServer, clock: ManualClock) -> None:
    supervisor = server.clerk_headers("super1")
    httpx.post(server.api("/sites/demo/services/ausweis/close"), json={"message": MESSAGE}, headers=supervisor)
    assert services(server)["ausweis"]["closed_reason"] == "closed_by_supervisor"
    clock.advance(timedelta(days=1))
    assert services(server)["ausweis"]["open"] is True


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"message": {"en": ENGLISH}}, "invalid_request"),
        ({"message": {"de": GERMAN}}, "invalid_request"),
        ({"message": {"de": GERMAN, "en": "x" * 201}}, "invalid_request"),
        ({"message": {"de": GERMAN, "en": ENGLISH, "Deutsch!": "x"}}, "invalid_request"),
        ({"message": {"de": GERMAN, "en": ENGLISH}, "extra": 1}, "invalid_request"),
        ({"message": "Störung"}, "invalid_request"),
    ],
)
def test_a_closure_without_a_proper_message_is_refused(server: LiveServer, body: dict[str, Any], code: str) -> None:
    response = httpx.post(
        server.api("/sites/demo/services/ausweis/close"), json=body, headers=server.clerk_headers("super1")
    )
    assert response.status_code == 422 and response.json()["code"] == code, response.text
    assert services(server)["ausweis"]["open"] is True


def test_unknown_services_and_sites_are_named(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    unknown = httpx.post(
        server.api("/sites/demo/services/nothing/close"), json={"message": MESSAGE}, headers=supervisor
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_service")
    assert "ausweis" in unknown.json()["detail"]


def test_todays_quota_can_be_raised_or_lowered_but_not_below_what_was_issued(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    draw(server, "anmeldung")
    draw(server, "anmeldung")
    low = httpx.put(server.api("/sites/demo/services/anmeldung/quota"), json={"quota": 1}, headers=supervisor)
    assert (low.status_code, low.json()["code"]) == (409, "quota_below_issued")
    negative = httpx.put(server.api("/sites/demo/services/anmeldung/quota"), json={"quota": -1}, headers=supervisor)
    assert negative.status_code == 422
    set_three = httpx.put(server.api("/sites/demo/services/anmeldung/quota"), json={"quota": 3}, headers=supervisor)
    assert set_three.status_code == 200
    assert (set_three.json()["quota"], set_three.json()["issued"]) == (3, 2)
    draw(server, "anmeldung")
    full = httpx.post(server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=server.kiosk_headers)
    assert (full.status_code, full.json()["code"]) == (409, "service_quota_reached")
    assert services(server)["anmeldung"]["closed_reason"] == "quota_reached"
    back = httpx.put(server.api("/sites/demo/services/anmeldung/quota"), json={"quota": None}, headers=supervisor)
    assert back.status_code == 200 and back.json()["quota"] is None
    draw(server, "anmeldung")
    [record] = [r for r in audit(server, "service.quota") if r.detail["to"] == 3]
    assert record.detail["issued"] == 2


def test_a_notice_shows_on_displays_until_it_expires(server: LiveServer, clock: ManualClock) -> None:
    supervisor = server.clerk_headers("super1")
    texts = {"de": "Wegen einer Störung dauert es heute länger.", "en": "Due to a fault waiting takes longer today."}
    with watching(f"{server.ws_url}/ws/sites/demo/display") as display:
        assert display.snapshot()["data"]["notices"] == []
        posted = httpx.post(server.api("/sites/demo/notices"), json={"texts": texts, "minutes": 15}, headers=supervisor)
        assert posted.status_code == 201
        notice = posted.json()
        assert notice["expires_at"].startswith("2026-11-24T09:15:00")
        changed = display.wait_for(lambda m: m["type"] == "notices.changed")
        [shown] = changed["data"]["notices"]
        assert shown["texts"] == texts and datetime.fromisoformat(shown["expires_at"]) == START + timedelta(minutes=15)
        assert "super1" not in json.dumps(changed) and "created_by" not in shown
    assert [n["texts"] for n in httpx.get(server.api("/sites/demo/display")).json()["data"]["notices"]] == [texts]
    clock.advance(timedelta(minutes=14, seconds=59))
    assert len(httpx.get(server.api("/sites/demo/display")).json()["data"]["notices"]) == 1
    clock.advance(timedelta(seconds=1))
    assert httpx.get(server.api("/sites/demo/display")).json()["data"]["notices"] == []
    listed = httpx.get(server.api("/sites/demo/day-controls"), headers=supervisor).json()["notices"]
    assert [(n["showing"], n["created_by"]) for n in listed] == [(False, "clerk:super1")]
    gone = httpx.delete(server.api(f"/sites/demo/notices/{notice['id']}"), headers=supervisor)
    assert (gone.status_code, gone.json()["code"]) == (409, "notice_not_showing")


FAULT = {"de": "Störung", "en": "Fault"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"texts": {"de": "Störung"}, "minutes": 10}, 422, "invalid_request"),
        ({"texts": {"de": " ", "en": "Fault"}, "minutes": 10}, 422, "invalid_request"),
        ({"texts": {**FAULT, "xx": "?"}, "minutes": 10}, 422, "invalid_request"),
        ({"texts": FAULT}, 422, "invalid_request"),
        ({"texts": FAULT, "minutes": 10, "expires_at": "2026-11-24T12:00:00+00:00"}, 422, "invalid_request"),
        ({"texts": FAULT, "minutes": 0}, 422, "invalid_request"),
        ({"texts": FAULT, "minutes": "soon"}, 422, "invalid_request"),
        ({"texts": FAULT, "expires_at": "2026-11-24T12:00:00"}, 422, "expiry_without_zone"),
        # Well formed, but against the clock: a conflict with the current state.
        ({"texts": FAULT, "expires_at": "2026-11-24T08:00:00+00:00"}, 409, "expiry_in_past"),
        ({"texts": FAULT, "expires_at": "2026-11-26T08:00:00+00:00"}, 409, "expiry_too_far"),
    ],
)
def test_bad_notices_are_refused(server: LiveServer, body: dict[str, Any], status: int, code: str) -> None:
    response = httpx.post(server.api("/sites/demo/notices"), json=body, headers=server.clerk_headers("super1"))
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert httpx.get(server.api("/sites/demo/display")).json()["data"]["notices"] == []


def test_withdrawing_unknown_or_foreign_notices(server: LiveServer) -> None:
    nord = httpx.post(
        server.api("/sites/nord/notices"),
        json={"texts": {"de": "a", "en": "b"}, "minutes": 5},
        headers=server.clerk_headers("super2"),
    ).json()
    foreign = httpx.delete(server.api(f"/sites/demo/notices/{nord['id']}"), headers=server.clerk_headers("super1"))
    assert (foreign.status_code, foreign.json()["code"]) == (404, "unknown_notice")
    missing = httpx.delete(server.api("/sites/demo/notices/999"), headers=server.clerk_headers("super1"))
    assert missing.status_code == 404


def test_moving_a_line_keeps_numbers_and_order_and_tells_the_phones(server: LiveServer, clock: ManualClock) -> None:
    supervisor = server.clerk_headers("super1")
    first = draw(server, "ausweis")
    clock.advance(timedelta(minutes=1))
    other = draw(server, "anmeldung")
    clock.advance(timedelta(minutes=1))
    second = draw(server, "ausweis")
    with watching(f"{server.ws_url}/ws/tickets/{first['token']}") as phone:
        phone.snapshot()
        moved = httpx.post(
            server.api("/sites/demo/services/ausweis/move"), json={"to": "anmeldung"}, headers=supervisor
        )
        assert moved.status_code == 200
        assert moved.json() == {
            "from_service": "ausweis",
            "to_service": "anmeldung",
            "moved": [first["number"], second["number"]],
        }
        told = phone.wait_for(event("ticket.transferred", number=first["number"]))
        assert (told["data"]["service"], told["data"]["from_service"], told["data"]["reason"]) == (
            "anmeldung",
            "ausweis",
            "moved_by_supervisor",
        )
    line = httpx.get(server.api("/sites/demo/display")).json()["data"]["lines"]
    # By the time each joined: the moved tickets keep their place in time among the target line's.
    assert line["anmeldung"] == [first["number"], other["number"], second["number"]]
    assert line["ausweis"] == []
    status = httpx.get(server.api(f"/tickets/{second['token']}")).json()
    assert (status["number"], status["service"], status["position"]) == (second["number"], "anmeldung", 3)
    same = httpx.post(server.api("/sites/demo/services/anmeldung/move"), json={"to": "anmeldung"}, headers=supervisor)
    assert (same.status_code, same.json()["code"]) == (409, "move_same_service")
    nowhere = httpx.post(server.api("/sites/demo/services/anmeldung/move"), json={"to": "zzz"}, headers=supervisor)
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "unknown_service")
    [record] = audit(server, "tickets.moved")
    assert record.detail["numbers"] == [first["number"], second["number"]]


def test_a_supervisor_sees_who_holds_a_counter_and_ends_the_session(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    clerk = {**server.clerk_headers("clerk1"), "X-Aufruf-Workstation": "desk-7"}
    assert httpx.post(server.api("/counters/2/open"), json={}, headers=clerk).status_code == 200
    counters = {
        c["key"]: c for c in httpx.get(server.api("/sites/demo/day-controls"), headers=supervisor).json()["counters"]
    }
    assert (counters["2"]["clerk"], counters["2"]["username"], counters["2"]["workstation"]) == (
        "Clerk One",
        "clerk1",
        "desk-7",
    )
    assert counters["3"]["session"] is None
    ticket = draw(server, "ausweis")
    assert httpx.post(server.api("/counters/2/call-next"), headers=clerk).json()["number"] == ticket["number"]
    busy = httpx.post(server.api("/sites/demo/counters/2/end-session"), headers=supervisor)
    assert (busy.status_code, busy.json()["code"]) == (409, "counter_busy")
    assert httpx.post(server.api("/counters/2/finish"), headers=clerk).status_code == 200
    with (
        watching(f"{server.ws_url}/ws/counters/2", token=clerk["Authorization"][7:]) as app,
        watching(f"{server.ws_url}/ws/sites/demo/display") as display,
    ):
        app.snapshot()
        display.snapshot()
        ended = httpx.post(server.api("/sites/demo/counters/2/end-session"), headers=supervisor)
        assert ended.status_code == 200
        assert (ended.json()["open"], ended.json()["close_reason"]) == (False, "ended_by_supervisor")
        app.wait_for(event("counter.session", counter="2", state="closed", reason="ended_by_supervisor"))
        display.wait_for(event("counter.session", counter="2", state="closed"))
        assert not any(name in json.dumps(display.messages) for name in STAFF_NAMES)
    seen = httpx.get(server.api("/counters/2/session"), headers=clerk).json()
    assert (seen["close_reason"], seen["closed_by"]) == ("ended_by_supervisor", "clerk:super1")
    nobody = httpx.post(server.api("/sites/demo/counters/3/end-session"), headers=supervisor)
    assert (nobody.status_code, nobody.json()["code"]) == (409, "counter_not_held")
    unknown = httpx.post(server.api("/sites/demo/counters/99/end-session"), headers=supervisor)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_counter")


def test_ending_the_day_early_expires_the_lines(server: LiveServer) -> None:
    supervisor = server.clerk_headers("super1")
    ticket = draw(server, "ausweis")
    closed = httpx.post(server.api("/sites/demo/close-day"), headers=supervisor)
    assert closed.status_code == 200 and closed.json()["expired"] == 1
    assert httpx.get(server.api(f"/tickets/{ticket['token']}")).json()["status"] not in ("waiting",)
    with server.context.database.read() as session:
        kinds = session.exec(select(EventRecord.type).order_by(col(EventRecord.seq))).all()
    assert "day.closed" in kinds
