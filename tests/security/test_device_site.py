"""Devices per site: a kiosk of one site can neither draw, check in, lease, reconcile nor report at another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.security.test_site_matrix import HOME, OTHER, two_sites
from tests.support.live_server import LiveServer, run_live_server

OFFLINE_ENTRY = {
    "key": "kiosk-site-check-1", "lease": 1, "serial": 1, "issued_at": "2026-03-02T08:00:00+01:00",
    "token": "t" * 40,
}
# Every route a kiosk calls under a site's path, with a body that passes validation.
KIOSK_ROUTES: list[tuple[str, dict[str, Any]]] = [
    ("/sites/{site}/tickets", {"service": "anmeldung"}),
    ("/sites/{site}/check-in", {"code": "ABC123"}),
    ("/sites/{site}/tickets/leases", {"service": "anmeldung", "size": 5}),
    ("/sites/{site}/tickets/reconcile", {"tickets": [OFFLINE_ENTRY]}),
    ("/sites/{site}/remote-join/check-in", {"code": "ABC123"}),
]


@pytest.fixture
def office(tmp_path: Path) -> Iterator[LiveServer]:
    with run_live_server(tmp_path, office=two_sites()) as server:
        yield server


@pytest.mark.parametrize(("path", "body"), KIOSK_ROUTES)
def test_a_kiosk_is_refused_at_another_site(office: LiveServer, path: str, body: dict[str, Any]) -> None:
    """403 `wrong_site`, naming the kiosk's own site; nothing is done there."""
    answer = httpx.post(office.api(path.format(site=OTHER)), json=body, headers=office.kiosk_headers, timeout=30)
    assert answer.status_code == 403, answer.text
    assert answer.json()["code"] == "wrong_site"
    assert answer.json()["detail"] == f"This kiosk belongs to site '{HOME}', not '{OTHER}'."


def test_a_kiosk_draws_at_its_own_site(office: LiveServer) -> None:
    """The same kiosk token is admitted at its own site."""
    answer = httpx.post(
        office.api(f"/sites/{HOME}/tickets"), json={"service": "anmeldung"}, headers=office.kiosk_headers, timeout=30
    )
    assert answer.status_code == 201, answer.text


def test_a_device_reports_only_at_its_own_site(office: LiveServer) -> None:
    """A status report for another site is refused with `wrong_site`; at its own site it is taken."""
    report = {"component": "printer", "state": "paper_near_end"}
    across = httpx.post(
        office.api(f"/sites/{OTHER}/devices/status"), json=report, headers=office.kiosk_headers, timeout=30
    )
    assert across.status_code == 403, across.text
    assert across.json()["code"] == "wrong_site"
    assert across.json()["detail"] == f"This device belongs to site '{HOME}', not '{OTHER}'."
    own = httpx.post(office.api(f"/sites/{HOME}/devices/status"), json=report, headers=office.kiosk_headers, timeout=30)
    assert own.status_code == 204, own.text
