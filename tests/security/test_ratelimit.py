"""Budgets on the public site endpoints and on logins; password guessing is throttled per user and address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async


@pytest.fixture
def tight_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A server with small budgets so a test can spend them."""
    monkeypatch.setenv("AUFRUF_SECURITY_PUBLIC_LIMIT", "5/minute")
    monkeypatch.setenv("AUFRUF_SECURITY_LOGIN_FAILURE_LIMIT", "3 per 15 minutes")
    with run_live_server(tmp_path) as server:
        yield server


def test_services_list_is_limited_per_address(tight_server: LiveServer) -> None:
    answers = [httpx.get(tight_server.api("/sites/demo/services")).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    refused = httpx.get(tight_server.api("/sites/demo/display"))
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert httpx.get(tight_server.api("/health")).status_code == 200  # health is not public-budgeted


def test_display_websocket_counts_against_the_budget(tight_server: LiveServer) -> None:
    for _ in range(5):
        httpx.get(tight_server.api("/sites/demo/services")).raise_for_status()

    async def connect() -> None:
        await websockets.connect(f"{tight_server.ws_url}/ws/sites/demo/display")

    with pytest.raises(websockets.InvalidStatus) as refused:
        run_async(connect())
    assert refused.value.response.status_code == 429


def test_failed_logins_lock_that_username_from_that_address(tight_server: LiveServer) -> None:
    url = tight_server.api("/auth/login")
    wrong = {"username": "clerk1", "password": "guess"}
    assert [httpx.post(url, json=wrong).status_code for _ in range(3)] == [401] * 3
    locked = httpx.post(url, json={"username": "clerk1", "password": "demo"})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"  # even the right password
    assert httpx.post(url, json={"username": "clerk2", "password": "demo"}).status_code == 200  # others unaffected


def test_a_correct_login_clears_earlier_failures(tight_server: LiveServer) -> None:
    url = tight_server.api("/auth/login")
    for _ in range(2):
        assert httpx.post(url, json={"username": "clerk1", "password": "guess"}).status_code == 401
    assert httpx.post(url, json={"username": "clerk1", "password": "demo"}).status_code == 200
    for _ in range(2):
        assert httpx.post(url, json={"username": "clerk1", "password": "guess"}).status_code == 401
    assert httpx.post(url, json={"username": "clerk1", "password": "demo"}).status_code == 200
