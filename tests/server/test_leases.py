"""Offline leases: no quota taken before use, never beyond it, capped per kiosk, online numbers undisturbed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.auth.tokens import hash_device_token
from server.demo import demo_office
from server.office.schema import DeviceConfig, OfficeConfig
from tests.support.live_server import LiveServer, run_live_server

# A device id of 40 characters, as an office may well name its kiosks.
LONG_ID = "kiosk-erdgeschoss-eingang-links-nord-001"
KIOSKS = {"demo-kiosk": "demo-kiosk", "kiosk-2": "second-kiosk-token", LONG_ID: "long-kiosk-token"}


def _office() -> OfficeConfig:
    office = demo_office()
    site = office.sites[0]
    extra = [
        DeviceConfig(id=device, kind="kiosk", token_sha256=hash_device_token(token))
        for device, token in KIOSKS.items() if device != "demo-kiosk"
    ]
    return office.model_copy(update={"sites": [site.model_copy(update={"devices": [*site.devices, *extra]})]})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with three kiosks and a lease cap of 30 numbers per kiosk, service and day."""
    with run_live_server(tmp_path, office=_office(), offline_lease_cap=30) as live:
        yield live


def _headers(device: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KIOSKS[device]}"}


def _lease(server: LiveServer, device: str, service: str, size: int) -> httpx.Response:
    return httpx.post(
        server.api("/sites/demo/tickets/leases"), json={"service": service, "size": size}, headers=_headers(device)
    )


def _draw(server: LiveServer, service: str) -> httpx.Response:
    return httpx.post(server.api("/sites/demo/tickets"), json={"service": service}, headers=_headers("demo-kiosk"))


def _service(server: LiveServer, key: str) -> dict[str, Any]:
    return next(s for s in httpx.get(server.api("/sites/demo/services")).json() if s["id"] == key)


def _reconcile(server: LiveServer, device: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    reply = httpx.post(
        server.api("/sites/demo/tickets/reconcile"), json={"tickets": entries}, headers=_headers(device)
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def _entry(lease: dict[str, Any], index: int, key: str, token: str) -> dict[str, Any]:
    return {
        "key": key, "lease": lease["lease"], "serial": lease["first_serial"] + index, "language": "de",
        "issued_at": datetime.now().astimezone().isoformat(), "token": token,
    }


def test_leases_take_no_quota_and_leave_online_numbers_alone(server: LiveServer) -> None:
    # The reproduction: two offline kiosks lease at opening; standesamt (quota 40) must stay open.
    for device in ("demo-kiosk", "kiosk-2"):
        assert _lease(server, device, "standesamt", 20).status_code == 201
    standesamt = _service(server, "standesamt")
    assert standesamt["open"] is True
    first = _draw(server, "standesamt").json()
    assert first["number"] == "S001"  # not S041: the leases did not push the day's numbers on


def test_a_lease_never_exceeds_the_quota_left(server: LiveServer) -> None:
    for _ in range(30):
        assert _draw(server, "standesamt").status_code == 201
    # 10 of the 40 are left; the first lease gets them, a second finds nothing more to hold.
    lease = _lease(server, "demo-kiosk", "standesamt", 20)
    assert lease.status_code == 201 and len(lease.json()["numbers"]) == 10
    refused = _lease(server, "kiosk-2", "standesamt", 5)
    assert refused.status_code == 409 and refused.json()["code"] == "service_quota_reached"
    # Unused leased numbers take no quota: online drawing goes on until it is really used up.
    assert _draw(server, "standesamt").json()["number"] == "S031"


def test_reconciled_tickets_count_towards_the_quota(server: LiveServer) -> None:
    lease = _lease(server, "demo-kiosk", "standesamt", 5).json()
    for _ in range(38):
        assert _draw(server, "standesamt").status_code == 201
    results = _reconcile(server, "demo-kiosk", [
        _entry(lease, index, f"entry-{index:04d}", f"token-{index:02d}-" + "x" * 32) for index in range(2)
    ])
    assert [r["outcome"] for r in results] == ["created", "created"]
    # 38 online + 2 offline: the quota of 40 is reached, not 38 of it.
    refused = _draw(server, "standesamt")
    assert refused.status_code == 409 and refused.json()["code"] == "service_quota_reached"


def test_leases_are_capped_per_kiosk_and_day(server: LiveServer) -> None:
    sizes = [len(_lease(server, "demo-kiosk", "anmeldung", 20).json()["numbers"]) for _ in range(2)]
    assert sizes == [20, 10]  # the cap of 30 cuts the second lease
    refused = _lease(server, "demo-kiosk", "anmeldung", 20)
    assert refused.status_code == 409 and refused.json()["code"] == "lease_limit_reached"
    # Another kiosk has its own allowance, and none of it moves the online numbers.
    assert _lease(server, "kiosk-2", "anmeldung", 20).status_code == 201
    assert _draw(server, "anmeldung").json()["number"] == "A001"


def test_a_long_device_id_keeps_every_offline_ticket(server: LiveServer) -> None:
    lease = _lease(server, LONG_ID, "anmeldung", 2).json()
    # Two journal keys that agree in their first 40 characters: cut to 80 with the device id, they were one.
    entries = [
        _entry(lease, index, "k" * 40 + f"-{index}" + "z" * 20, f"long-{index}-" + "y" * 32) for index in range(2)
    ]
    results = _reconcile(server, LONG_ID, entries)
    assert [r["outcome"] for r in results] == ["created", "created"]
    assert len({r["ticket"]["number"] for r in results}) == 2
    assert [r["outcome"] for r in _reconcile(server, LONG_ID, entries)] == ["existing", "existing"]


def test_one_bad_entry_does_not_refuse_the_batch(server: LiveServer) -> None:
    online = _draw(server, "anmeldung").json()
    lease = _lease(server, "demo-kiosk", "anmeldung", 3).json()
    entries = [
        _entry(lease, 0, "batch-entry-0", "fresh-token-0-" + "a" * 30),
        _entry(lease, 1, "batch-entry-1", online["token"]),  # a token that already belongs to another ticket
        _entry(lease, 2, "batch-entry-2", "fresh-token-2-" + "b" * 30),
    ]
    results = _reconcile(server, "demo-kiosk", entries)
    assert [r["outcome"] for r in results] == ["created", "created", "created"]
    # The colliding one is in line with its number under a token of its own; the other ticket keeps its token.
    assert results[1]["ticket"]["token"] != online["token"]
    assert results[1]["ticket"]["number"] == lease["numbers"][1]
    assert httpx.get(server.api(f"/tickets/{online['token']}")).json()["number"] == online["number"]
