"""Limits that fit a lobby: one address (guest Wi-Fi behind NAT) is shared by hundreds of phones and a guesser."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.live_server import LiveServer, run_live_server
from tests.support.run_async import run_async

PHONES = 300


@pytest.fixture
def lobby(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The demo office with the default limits of the ticket endpoints (the kiosk's own budget aside)."""
    monkeypatch.setenv("AUFRUF_SECURITY_PUBLIC_LIMIT", "100000/minute")
    with run_live_server(tmp_path) as server:
        yield server


def _tokens(server: LiveServer, count: int) -> list[str]:
    with httpx.Client(headers=server.kiosk_headers) as client:
        return [
            client.post(server.api("/sites/demo/tickets"), json={"service": "anmeldung"}).json()["token"]
            for _ in range(count)
        ]


async def _ws_status(url: str) -> int:
    """101 when the handshake succeeds, else the HTTP status the server refused it with."""
    try:
        async with websockets.connect(url, open_timeout=30) as socket:
            await socket.recv()  # the snapshot
            return 101
    except websockets.InvalidStatus as refused:
        return refused.response.status_code


async def _phone(server: LiveServer, client: httpx.AsyncClient, token: str, gate: asyncio.Semaphore) -> list[int]:
    """What a status page does after a Wi-Fi drop: poll once, reconnect (twice, the first try was early)."""
    async with gate:
        answers = [(await client.get(server.api(f"/tickets/{token}"))).status_code]
        for _ in range(2):
            answers.append(await _ws_status(f"{server.ws_url}/ws/tickets/{token}"))
        answers.append((await client.get(f"{server.url}/t/{token}")).status_code)
        return answers


async def _crowd(server: LiveServer, tokens: list[str]) -> Counter[int]:
    gate = asyncio.Semaphore(50)  # a burst, but not 1,200 sockets at once from one test process
    # A connection per request, as phones coming back from a Wi-Fi drop have no kept-alive ones.
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        results = await asyncio.gather(*(_phone(server, client, token, gate) for token in tokens))
    return Counter(code for answers in results for code in answers)


def test_300_phones_behind_one_address_reconnect_without_429(lobby: LiveServer) -> None:
    tokens = _tokens(lobby, PHONES)
    # Every phone followed its ticket before the drop.
    run_async(_crowd(lobby, tokens[:1]))
    answers = run_async(_crowd(lobby, tokens))
    print(f"answers for {PHONES} phones behind one address: {dict(answers)}")
    assert answers[429] == 0, dict(answers)
    assert answers == Counter({200: 2 * PHONES, 101: 2 * PHONES})


def test_a_guesser_never_locks_out_holders_of_valid_tokens(lobby: LiveServer) -> None:
    token = _tokens(lobby, 1)[0]
    with httpx.Client() as client:
        misses = [client.get(lobby.api(f"/tickets/{secrets.token_urlsafe(24)}")).status_code for _ in range(40)]
        # The guesser runs out of misses: further unknown tokens get 429 ...
        assert misses[0] == 404 and misses[-1] == 429
        # ... while a holder behind the same address still gets everything.
        assert client.get(lobby.api(f"/tickets/{token}")).status_code == 200
        assert client.get(f"{lobby.url}/t/{token}").status_code == 200
    assert run_async(_ws_status(f"{lobby.ws_url}/ws/tickets/{token}")) == 101
    assert run_async(_ws_status(f"{lobby.ws_url}/ws/tickets/{secrets.token_urlsafe(24)}")) == 429


def test_one_token_has_its_own_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUFRUF_STATUS_TOKEN_LIMIT", "5/minute")
    with run_live_server(tmp_path) as server:
        first, second = _tokens(server, 2)
        with httpx.Client() as client:
            answers = [client.get(server.api(f"/tickets/{first}")).status_code for _ in range(6)]
            assert answers == [200] * 5 + [429]
            refused = client.get(server.api(f"/tickets/{first}"))
            assert refused.json()["code"] == "rate_limited" and 1 <= int(refused.headers["retry-after"]) <= 60
            assert client.get(server.api(f"/tickets/{second}")).status_code == 200  # another phone is unaffected
