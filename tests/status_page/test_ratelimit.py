"""Rate limits on the public ticket endpoints: a budget per token, per address, and a small unknown-token budget."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.status_page.office import Office
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def limited_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The demo office with tight limits: 8 requests a minute per token, 3 unknown tokens a minute per address."""
    monkeypatch.setenv("AUFRUF_STATUS_TOKEN_LIMIT", "8/minute")
    monkeypatch.setenv("AUFRUF_STATUS_MISS_LIMIT", "3/minute")
    with run_live_server(tmp_path) as server:
        yield server


def assert_refused(response: httpx.Response) -> None:
    """A 429 with a retry hint and a machine-readable code."""
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["code"] == "rate_limited"


def test_request_budget_applies_to_page_api_and_websocket(limited_server: LiveServer) -> None:
    """Past the budget every public ticket endpoint answers 429; other endpoints are untouched."""
    mine = Office(limited_server).draw()
    api = limited_server.api(f"/tickets/{mine['token']}")
    for _ in range(7):
        assert httpx.get(api).status_code == 200
    assert httpx.get(mine["status_url"]).status_code == 200
    assert_refused(httpx.get(api))
    assert_refused(httpx.get(mine["status_url"]))
    assert_refused(httpx.delete(api))
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{limited_server.ws_url}/ws/tickets/{mine['token']}", open_timeout=10).close()
    assert refused.value.response.status_code == 429
    assert httpx.get(limited_server.api("/sites/demo/services")).status_code == 200
    assert Office(limited_server).draw()["number"] == "A002"  # kiosks and clerks are not limited
    assert httpx.get(limited_server.api("/health")).status_code == 200


def test_guessing_tokens_gains_nothing_and_locks_nobody_out(limited_server: LiveServer) -> None:
    """After a few unknown tokens, further guesses get 429; a real token from the same address still works."""
    mine = Office(limited_server).draw()
    assert httpx.get(limited_server.api("/tickets/guess-1")).status_code == 404
    assert httpx.get(f"{limited_server.url}/t/guess-2").status_code == 404
    with pytest.raises(InvalidStatus) as unknown:
        connect(f"{limited_server.ws_url}/ws/tickets/guess-3", open_timeout=10).close()
    assert unknown.value.response.status_code == 403  # refused before the handshake: counts as a miss
    assert_refused(httpx.get(limited_server.api("/tickets/guess-4")))
    assert_refused(httpx.get(f"{limited_server.url}/t/guess-5"))
    with pytest.raises(InvalidStatus) as guessed:
        connect(f"{limited_server.ws_url}/ws/tickets/guess-6", open_timeout=10).close()
    assert guessed.value.response.status_code == 429
    assert httpx.get(limited_server.api(f"/tickets/{mine['token']}")).status_code == 200
    assert httpx.get(mine["status_url"]).status_code == 200
