"""Every contract endpoint over real HTTP, including bad input and missing credentials."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import LiveServer


@pytest.fixture
def http(live_server: LiveServer) -> httpx.Client:
    """A client bound to the server's API."""
    return httpx.Client(base_url=live_server.api(""), timeout=10)


def _draw(http: httpx.Client, live_server: LiveServer, service: str = "anmeldung", **extra: str) -> dict:
    response = http.post("/sites/demo/tickets", json={"service": service, **extra}, headers=live_server.kiosk_headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_health_and_docs(http: httpx.Client, live_server: LiveServer) -> None:
    assert http.get("/health").json()["status"] == "ok"
    assert httpx.get(f"{live_server.url}/docs").status_code == 200
    paths = httpx.get(f"{live_server.url}/openapi.json").json()["paths"]
    assert "/api/v1/counters/{counter}/call-next" in paths


def test_services_list_the_contract_fields(http: httpx.Client) -> None:
    services = http.get("/sites/demo/services", params={"language": "en"}).json()
    first = services[0]
    assert {"id", "prefix", "name", "waiting", "eta_minutes", "open"} <= set(first)
    assert first["name"] == "Registering an address"
    assert http.get("/sites/nowhere/services").status_code == 404


def test_drawing_a_ticket_returns_the_contract_ticket(http: httpx.Client, live_server: LiveServer) -> None:
    http.post("/counters/3/resume", headers=live_server.clerk_headers()).raise_for_status()
    # The range a new ticket shows comes from the forecast recomputed after the counter opened.
    assert live_server.context.forecaster.settled.wait(timeout=30)
    ticket = _draw(http, live_server, language="tr")
    assert ticket["number"] == "A001"
    assert ticket["status"] == "waiting"
    assert ticket["position"] == 1
    assert len(ticket["token"]) >= 22  # 128 bits in URL-safe base64
    assert ticket["status_url"] == f"{live_server.url}/t/{ticket['token']}"
    assert ticket["service_name"] == "Adres kaydı / değişikliği"
    second = _draw(http, live_server)
    assert (second["number"], second["position"], second["people_ahead"]) == ("A002", 2, 1)
    assert second["eta_minutes"][1] > ticket["eta_minutes"][1] - 1


def test_ticket_requests_need_a_kiosk_token(http: httpx.Client, live_server: LiveServer) -> None:
    body = {"service": "anmeldung"}
    assert http.post("/sites/demo/tickets", json=body).status_code == 401
    bad = http.post("/sites/demo/tickets", json=body, headers={"Authorization": "Bearer nope"})
    assert (bad.status_code, bad.json()["code"]) == (401, "bad_device_token")
    display = http.post("/sites/demo/tickets", json=body, headers={"Authorization": "Bearer demo-display"})
    assert display.status_code == 403
    clerk = http.post("/sites/demo/tickets", json=body, headers=live_server.clerk_headers())
    assert clerk.status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "nope"}, 404, "unknown_service"),
        ({}, 422, None),
        ({"service": "anmeldung", "language": "x"}, 422, None),
        ({"service": "anmeldung", "language": "<script>"}, 422, None),
    ],
)
def test_bad_ticket_requests_get_clear_errors(
    http: httpx.Client, live_server: LiveServer, body: dict, status: int, code: str | None
) -> None:
    response = http.post("/sites/demo/tickets", json=body, headers=live_server.kiosk_headers)
    assert response.status_code == status
    assert response.json()["detail"]
    if code:
        assert response.json()["code"] == code


def test_a_repeated_idempotency_key_yields_one_ticket(http: httpx.Client, live_server: LiveServer) -> None:
    headers = {**live_server.kiosk_headers, "Idempotency-Key": "touch-1"}
    first = http.post("/sites/demo/tickets", json={"service": "kfz"}, headers=headers)
    again = http.post("/sites/demo/tickets", json={"service": "kfz"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] == "K001"
    assert _draw(http, live_server, "kfz")["number"] == "K002"


def test_following_and_giving_up_a_ticket(http: httpx.Client, live_server: LiveServer) -> None:
    ticket = _draw(http, live_server)
    assert http.get(f"/tickets/{ticket['token']}").json()["number"] == "A001"
    cancelled = http.delete(f"/tickets/{ticket['token']}")
    assert cancelled.json()["status"] == "cancelled"
    again = http.delete(f"/tickets/{ticket['token']}")
    assert (again.status_code, again.json()["code"]) == (409, "illegal_transition")
    missing = http.get("/tickets/not-a-real-token")
    assert missing.status_code == 404
    assert "token" not in missing.text.lower()


def test_login(http: httpx.Client) -> None:
    good = http.post("/auth/login", json={"username": "clerk1", "password": "demo"})
    assert good.json()["token_type"] == "bearer"
    assert http.post("/auth/login", json={"username": "clerk1", "password": "wrong"}).status_code == 401
    assert http.post("/auth/login", json={"username": "ghost", "password": "demo"}).status_code == 401
    assert http.post("/auth/login", json={"username": "clerk1"}).status_code == 422


def test_a_clerk_works_a_ticket_through_its_life(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    assert http.post("/counters/3/call-next", headers=clerk).status_code == 204
    ticket = _draw(http, live_server)
    called = http.post("/counters/3/call-next", headers=clerk).json()
    assert (called["number"], called["status"], called["counter"]) == ("A001", "called", "3")
    assert called["token"] is None and called["status_url"] is None
    assert http.post("/counters/3/recall", headers=clerk).json()["recalls"] == 1
    assert http.post("/counters/3/start", headers=clerk).json()["status"] == "serving"
    assert http.post("/counters/3/finish", headers=clerk).json()["status"] == "done"
    assert http.get(f"/tickets/{ticket['token']}").json()["status"] == "done"


def test_counter_actions_without_a_citizen_are_explained(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    for action in ("recall", "start", "finish", "no-show", "park"):
        response = http.post(f"/counters/2/{action}", headers=clerk)
        assert (response.status_code, response.json()["code"]) == (409, "no_current_ticket")
    assert http.post("/counters/99/call-next", headers=clerk).status_code == 404
    assert http.post("/counters/2/call-next").status_code == 401
    assert http.post("/counters/2/call-next", headers=live_server.kiosk_headers).status_code == 401


def test_calling_while_busy_is_refused(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    _draw(http, live_server)
    _draw(http, live_server)
    http.post("/counters/2/call-next", headers=clerk)
    busy = http.post("/counters/2/call-next", headers=clerk)
    assert (busy.status_code, busy.json()["code"]) == (409, "counter_busy")
    assert "A001" in busy.json()["detail"]


def test_no_show_park_and_call_by_number(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    for _ in range(2):
        _draw(http, live_server)
    http.post("/counters/2/call-next", headers=clerk)
    assert http.post("/counters/2/park", headers=clerk).json()["status"] == "parked"
    http.post("/counters/2/call-next", headers=clerk)
    assert http.post("/counters/2/no-show", headers=clerk).json()["status"] == "no_show"
    back = http.post("/counters/2/call", json={"number": "a1"}, headers=clerk)
    assert (back.status_code, back.json()["number"], back.json()["status"]) == (200, "A001", "called")
    http.post("/counters/2/finish", headers=clerk)
    done = http.post("/counters/2/call", json={"number": "A001"}, headers=clerk)
    assert (done.status_code, done.json()["code"]) == (409, "not_callable")
    assert http.post("/counters/2/call", json={"number": "A999"}, headers=clerk).status_code == 404
    malformed = http.post("/counters/2/call", json={"number": "999"}, headers=clerk)
    assert (malformed.status_code, malformed.json()["code"]) == (422, "invalid_request")


def test_transfer_keeps_the_original_place(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    first = _draw(http, live_server, "anmeldung")
    _draw(http, live_server, "ausweis")
    http.post("/counters/3/call-next", headers=clerk)
    moved = http.post("/counters/3/transfer", json={"service": "ausweis", "note": "needs a passport"}, headers=clerk)
    assert (moved.json()["status"], moved.json()["service"], moved.json()["number"]) == ("waiting", "ausweis", "A001")
    assert http.get(f"/tickets/{first['token']}").json()["position"] == 1
    bad = http.post("/counters/3/transfer", json={"service": "nope"}, headers=clerk)
    assert bad.status_code == 409  # no citizen at the counter any more


def test_pause_and_resume(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    assert http.post("/counters/4/pause", headers=clerk).json()["status"] == "paused"
    refused = http.post("/counters/4/call-next", headers=clerk)
    assert (refused.status_code, refused.json()["code"]) == (409, "counter_paused")
    assert http.post("/counters/4/resume", headers=clerk).json()["status"] == "open"


def test_two_counters_never_get_the_same_ticket(http: httpx.Client, live_server: LiveServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    for _ in range(10):
        _draw(http, live_server)
    headers = {counter: live_server.clerk_headers(user) for counter, user in (("2", "clerk1"), ("3", "clerk2"))}

    def work(counter: str) -> list[str]:
        numbers = []
        with httpx.Client(base_url=live_server.api(""), timeout=10) as own:
            while (called := own.post(f"/counters/{counter}/call-next", headers=headers[counter])).status_code == 200:
                numbers.append(called.json()["number"])
                own.post(f"/counters/{counter}/finish", headers=headers[counter])
        return numbers

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(work, ("2", "3")))
    assert sorted(results[0] + results[1]) == [f"A{n:03d}" for n in range(1, 11)]
    assert not set(results[0]) & set(results[1])


def test_device_status_reports_need_a_device(http: httpx.Client, live_server: LiveServer) -> None:
    body = {"component": "printer", "state": "paper_out"}
    assert http.post("/sites/demo/devices/status", json=body, headers=live_server.kiosk_headers).status_code == 204
    assert http.post("/sites/demo/devices/status", json=body).status_code == 401
    wrong = {"component": "printer", "state": "on fire"}
    assert http.post("/sites/demo/devices/status", json=wrong, headers=live_server.kiosk_headers).status_code == 422


def test_check_in_with_an_unknown_code(http: httpx.Client, live_server: LiveServer) -> None:
    response = http.post("/sites/demo/check-in", json={"code": "XYZ-123"}, headers=live_server.kiosk_headers)
    assert (response.status_code, response.json()["code"]) == (404, "unknown_booking")
    assert http.post("/sites/demo/check-in", json={"code": "XYZ-123"}).status_code == 401


def test_stats_need_a_supervisor_and_count_the_day(http: httpx.Client, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers()
    _draw(http, live_server)
    _draw(http, live_server)
    http.post("/counters/2/call-next", headers=clerk)
    http.post("/counters/2/finish", headers=clerk)
    assert http.get("/sites/demo/stats", headers=clerk).status_code == 403
    stats = http.get("/sites/demo/stats", headers=live_server.clerk_headers("super1")).json()
    assert (stats["issued"], stats["served"], stats["still_open"]) == (2, 1, 1)
    assert http.get("/sites/demo/stats?date=yesterday", headers=live_server.clerk_headers("super1")).status_code == 422
