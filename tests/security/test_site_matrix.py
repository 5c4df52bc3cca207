"""Staff per site: in a two-site office nobody reaches another site's counters, bookings, figures or streams.

The matrix covers every route and stream whose path names a site or a counter: a route added later
without an entry here fails the coverage test, so it cannot slip past the site check unnoticed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from server.auth.passwords import hash_password
from server.demo import demo_office
from server.office.schema import ClerkConfig, OfficeConfig
from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async

PASSWORD = "site-matrix-password"
HOME, OTHER = "demo", "nord"


def two_sites() -> OfficeConfig:
    """The demo site and a second site 'nord' with the same counter ids 1..8, and staff for each."""
    office = demo_office()
    demo = office.sites[0]
    nord = demo.model_copy(update={"id": OTHER, "name": "Bürgeramt Nord", "devices": []})
    password_hash = hash_password(PASSWORD)
    clerks = [
        ClerkConfig(username="clerk-demo", password_hash=password_hash, sites=[HOME]),
        ClerkConfig(username="clerk-nord", password_hash=password_hash, sites=[OTHER]),
        ClerkConfig(username="super-demo", role="supervisor", password_hash=password_hash, sites=[HOME]),
        ClerkConfig(username="super-nord", role="supervisor", password_hash=password_hash, sites=[OTHER]),
        ClerkConfig(username="clerk-both", password_hash=password_hash, sites=[HOME, OTHER]),
        ClerkConfig(username="boss", role="admin", password_hash=password_hash),
    ]
    return OfficeConfig(sites=[demo, nord], clerks=clerks)


@dataclass(frozen=True)
class Case:
    """One route: how to call it at a site, and who may."""

    method: str
    path: str  # with {site}, {counter}, {code}, {alarm}, {name}
    role: str  # "clerk" or "supervisor": the least role it needs at its site
    body: dict[str, Any] | None = None
    content: bytes | None = None


CASES = [
    Case("GET", "/sites/{site}/counters", "clerk"),
    Case("GET", "/sites/{site}/counters/{counter}", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/call-next", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/call", "clerk", {"number": "A001"}),
    Case("POST", "/sites/{site}/counters/{counter}/recall", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/undo-call", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/start", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/finish", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/no-show", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/park", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/transfer", "clerk", {"service": "ausweis"}),
    Case("POST", "/sites/{site}/counters/{counter}/pause", "clerk"),
    Case("POST", "/sites/{site}/counters/{counter}/resume", "clerk"),
    Case("PUT", "/sites/{site}/counters/{counter}/services", "clerk", {"services": []}),
    Case("POST", "/sites/{site}/counters/{counter}/alarm", "clerk", {"note": None}),
    Case("POST", "/sites/{site}/appointments", "clerk",
         {"service": "anmeldung", "starts_at": "2030-01-07T09:00:00+01:00", "name": "Erika"}),
    Case("GET", "/sites/{site}/appointments", "clerk"),
    Case("GET", "/sites/{site}/appointments/{code}", "clerk"),
    Case("DELETE", "/sites/{site}/appointments/{code}", "clerk"),
    Case("POST", "/sites/{site}/appointments/import", "supervisor",
         content=b"start;service;name\n2030-01-07 10:00;anmeldung;Erika\n"),
    Case("GET", "/sites/{site}/stats", "supervisor"),
    Case("GET", "/sites/{site}/stats/week", "supervisor"),
    Case("GET", "/sites/{site}/stats/export.csv", "supervisor"),
    Case("GET", "/sites/{site}/stats/export.xlsx", "supervisor"),
    Case("GET", "/sites/{site}/stats/charts/{name}.svg", "supervisor"),
    Case("GET", "/sites/{site}/supervision", "supervisor"),
    Case("POST", "/sites/{site}/alarms/{alarm}/acknowledge", "supervisor"),
]
# The same counter actions under the installation-wide path: the site comes from the counter.
COUNTER_PATHS = [case for case in CASES if "{counter}" in case.path]
STREAMS = ["/ws/sites/{site}/supervision", "/ws/sites/{site}/supervisor", "/ws/sites/{site}/counters/{counter}"]
# Paths that name a site but are public or for devices, checked elsewhere (tests/security/test_roles.py).
NOT_STAFF = {
    "/sites/{site}/services", "/sites/{site}/display", "/sites/{site}/tickets", "/sites/{site}/check-in",
    "/sites/{site}/tickets/leases", "/sites/{site}/tickets/reconcile", "/sites/{site}/devices/status",
    "/display/{site}", "/display/{site}/audio/{number}/{counter}.wav", "/supervisor/{site}",
    "/admin/sites/{site}/clerk-actions",
}


@pytest.fixture
def office(tmp_path: Path) -> Iterator[LiveServer]:
    with run_live_server(tmp_path, office=two_sites()) as server:
        yield server


def _login(server: LiveServer, username: str) -> dict[str, str]:
    return server.clerk_headers(username, PASSWORD)


def _fill(path: str, site: str, fixtures: dict[str, str]) -> str:
    return path.format(site=site, counter="1", code=fixtures[site], alarm=fixtures[f"{site}-alarm"], name="arrivals")


def _call(server: LiveServer, case: Case, path: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.request(
        case.method, server.api(path), headers=headers, json=case.body, content=case.content, timeout=30
    )


def _code(response: httpx.Response) -> str | None:
    """The error code of a JSON error answer."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _fixtures(server: LiveServer) -> dict[str, str]:
    """A booking code and a raised alarm at each site, made by that site's own staff."""
    found: dict[str, str] = {}
    for site, clerk in ((HOME, "clerk-demo"), (OTHER, "clerk-nord")):
        headers = _login(server, clerk)
        starts = (server.context.clock.now() + timedelta(days=3)).isoformat()
        booked = httpx.post(
            server.api(f"/sites/{site}/appointments"), headers=headers,
            json={"service": "anmeldung", "starts_at": starts, "name": "Test"},
        )
        assert booked.status_code == 201, booked.text
        found[site] = booked.json()["code"]
        alarm = httpx.post(server.api(f"/sites/{site}/counters/2/alarm"), headers=headers, json={})
        assert alarm.status_code == 202, alarm.text
        found[f"{site}-alarm"] = str(alarm.json()["id"])
    return found


def test_the_matrix_covers_every_staff_route_and_stream(office: LiveServer) -> None:
    """Every route naming a site or a counter is in the matrix, or named as public or a device's."""
    covered = {(case.method, case.path) for case in CASES}
    covered |= {(case.method, case.path.removeprefix("/sites/{site}")) for case in COUNTER_PATHS}
    missing = []
    for route in office.app.routes:
        if isinstance(route, APIRoute):
            path = route.path.removeprefix("/api/v1")
            if ("{site}" in path or "{counter}" in path) and path not in NOT_STAFF:
                missing += [(method, path) for method in route.methods if (method, path) not in covered]
        if isinstance(route, APIWebSocketRoute) and "{site}" in route.path:
            assert route.path in STREAMS, route.path
    assert missing == []


def test_nobody_reaches_another_sites_routes(office: LiveServer) -> None:
    """Clerks and supervisors of 'nord' are refused at 'demo' (and back), and admitted at their own site."""
    fixtures = _fixtures(office)
    staff = {
        (HOME, "clerk"): _login(office, "clerk-demo"), (OTHER, "clerk"): _login(office, "clerk-nord"),
        (HOME, "supervisor"): _login(office, "super-demo"), (OTHER, "supervisor"): _login(office, "super-nord"),
    }
    refused: list[tuple[str, str, int]] = []
    admitted: list[tuple[str, str, int]] = []
    for case in CASES:
        for home, away in ((HOME, OTHER), (OTHER, HOME)):
            for role in ("clerk", "supervisor"):
                headers = staff[(home, role)]
                across = _call(office, case, _fill(case.path, away, fixtures), headers)
                # Refused for the site itself, before anything of the other site is looked at.
                allowed = {"site_not_granted"} | ({"role_required"} if role != case.role and role == "clerk" else set())
                if across.status_code != 403 or _code(across) not in allowed:
                    refused.append((case.method, _fill(case.path, away, fixtures), across.status_code))
                if role == case.role or role == "supervisor":
                    own = _call(office, case, _fill(case.path, home, fixtures), headers)
                    if own.status_code in (401, 403) or _code(own) == "unknown_counter":
                        admitted.append((case.method, _fill(case.path, home, fixtures), own.status_code))
    assert refused == [], "reached another site"
    assert admitted == [], "refused at its own site"


def test_the_installation_wide_counter_paths_never_cross_sites(office: LiveServer) -> None:
    """`/counters/1` is each clerk's own site's counter 1; another site's counter by its id is unknown."""
    demo, nord = _login(office, "clerk-demo"), _login(office, "clerk-nord")
    assert httpx.get(office.api("/counters/1"), headers=demo).json()["site"] == HOME
    mine = httpx.get(office.api("/counters/1"), headers=nord).json()
    assert (mine["site"], mine["key"], mine["id"]) == (OTHER, "1", "nord:1")
    assert httpx.get(office.api("/counters/nord:1"), headers=demo).status_code == 404
    for case in COUNTER_PATHS:
        response = _call(office, case, case.path.removeprefix("/sites/{site}").format(counter="nord:1"), demo)
        assert response.status_code == 404, (case.method, case.path, response.status_code)
    # For a clerk of both sites `/counters/1` keeps meaning the counter whose id is "1", as before nord existed.
    both = _login(office, "clerk-both")
    assert httpx.post(office.api("/counters/1/pause"), headers=both).json()["site"] == HOME
    assert httpx.post(office.api("/sites/nord/counters/1/pause"), headers=both).json()["id"] == "nord:1"


def test_nobody_opens_another_sites_streams(office: LiveServer) -> None:
    """Supervisor, alarm and counter streams refuse staff of another site and admit their own."""
    tokens = {
        site: {
            "clerk": _login(office, f"clerk-{site}")["Authorization"][7:],
            "supervisor": _login(office, f"super-{site}")["Authorization"][7:],
        }
        for site in (HOME, OTHER)
    }

    async def opens(path: str, token: str) -> bool:
        try:
            async with connect(f"{office.ws_url}{path}?token={token}") as socket:
                await asyncio.wait_for(socket.recv(), timeout=10)
                return True
        except InvalidStatus:
            return False

    async def matrix() -> None:
        for template in STREAMS:
            role = "clerk" if "{counter}" in template else "supervisor"
            for home, away in ((HOME, OTHER), (OTHER, HOME)):
                token = tokens[home][role]
                assert await opens(template.format(site=home, counter="1"), token), (template, home)
                assert not await opens(template.format(site=away, counter="1"), token), (template, away)
        # The installation-wide counter stream is always the clerk's own site's counter.
        assert not await opens("/ws/counters/nord:1", tokens[HOME]["clerk"])
        assert await opens("/ws/counters/nord:1", tokens[OTHER]["clerk"])

    run_async(matrix())


def test_the_admin_is_global_and_grants_sites(office: LiveServer) -> None:
    """An administrator works at every site and grants others named sites."""
    boss = _login(office, "boss")
    for site in (HOME, OTHER):
        assert httpx.get(office.api(f"/sites/{site}/stats"), headers=boss).status_code == 200
    made = httpx.post(
        office.api("/admin/users"), headers=boss,
        json={"username": "aushilfe", "password": "a-long-password", "role": "clerk", "sites": [OTHER]},
    )
    assert made.status_code == 201 and made.json()["sites"] == [OTHER]
    helper = office.clerk_headers("aushilfe", "a-long-password")
    assert httpx.get(office.api("/auth/me"), headers=helper).json()["sites"] == [OTHER]
    assert httpx.get(office.api(f"/sites/{HOME}/counters"), headers=helper).status_code == 403
    assert httpx.get(office.api(f"/sites/{OTHER}/counters"), headers=helper).status_code == 200
    wrong = httpx.post(
        office.api("/admin/users"), headers=boss,
        json={"username": "nobody", "password": "a-long-password", "sites": ["atlantis"]},
    )
    assert wrong.status_code == 404 and wrong.json()["code"] == "unknown_site"
