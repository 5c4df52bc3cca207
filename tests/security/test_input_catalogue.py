"""A catalogue of bad input against a real server: every entry gets a clear 4xx JSON error, never a 5xx."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect as ws_connect

from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer, run_live_server

KIOSK = "kiosk"
ADMIN = "admin"
NOBODY = "nobody"
BIG = 10 * 1024 * 1024


@dataclass(frozen=True)
class Bad:
    """One bad request: who sends it, how, and the raw body (bytes, so JSON's own rules can be broken)."""

    name: str
    method: str
    path: str
    body: bytes | None = None
    who: str = NOBODY
    headers: dict[str, str] = field(default_factory=dict)


def _json(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


CATALOGUE = (
    Bad("login NaN", "POST", "/auth/login", b'{"username": NaN, "password": "x"}'),
    Bad("login Infinity", "POST", "/auth/login", b'{"username": "clerk1", "password": Infinity}'),
    Bad("login -Infinity", "POST", "/auth/login", b'{"username": -Infinity, "password": "x"}'),
    Bad("login lone surrogate escape", "POST", "/auth/login", b'{"username": "\\ud800", "password": "x"}'),
    Bad("login lone surrogate bytes", "POST", "/auth/login", _json('{"username": "\ud800", "password": "x"}')),
    Bad("login invalid UTF-8", "POST", "/auth/login", b'{"username": "\xff\xfe", "password": "x"}'),
    Bad("login 1e400", "POST", "/auth/login", b'{"username": "clerk1", "password": 1e400}'),
    Bad("login not JSON", "POST", "/auth/login", b"{username"),
    Bad("login huge int", "POST", "/auth/login", b'{"username": 123456789012345678901234567890, "password": "x"}'),
    Bad("login deep nesting", "POST", "/auth/login", b"[" * 5000 + b"]" * 5000),
    Bad("login 10 MB body", "POST", "/auth/login", b'{"username": "' + b"a" * BIG + b'", "password": "x"}'),
    Bad("ticket NaN language", "POST", "/sites/demo/tickets", b'{"service": "anmeldung", "language": NaN}', KIOSK),
    Bad("ticket surrogate service", "POST", "/sites/demo/tickets", b'{"service": "\\udfff"}', KIOSK),
    Bad("ticket 10 MB body", "POST", "/sites/demo/tickets", b'{"service": "' + b"a" * BIG + b'"}', KIOSK),
    Bad(
        "reconcile lease 2^63", "POST", "/sites/demo/tickets/reconcile",
        b'{"tickets": [{"key": "abcdefgh12", "lease": 9223372036854775808, "serial": 1, '
        b'"issued_at": "2026-01-01T09:00:00Z", "token": "' + b"t" * 40 + b'"}]}', KIOSK,
    ),
    Bad(
        "reconcile serial 2^64", "POST", "/sites/demo/tickets/reconcile",
        b'{"tickets": [{"key": "abcdefgh12", "lease": 1, "serial": 18446744073709551616, '
        b'"issued_at": "2026-01-01T09:00:00Z", "token": "' + b"t" * 40 + b'"}]}', KIOSK,
    ),
    Bad(
        "lease size 2^63", "POST", "/sites/demo/tickets/leases",
        b'{"service": "anmeldung", "size": 9223372036854775808}', KIOSK,
    ),
    Bad("appointments date 9999-12-31", "GET", "/sites/demo/appointments?date=9999-12-31", who=ADMIN),
    Bad("appointments date 0001-01-01", "GET", "/sites/demo/appointments?date=0001-01-01", who=ADMIN),
    Bad("stats date 9999-12-31", "GET", "/sites/demo/stats?date=9999-12-31", who=ADMIN),
    Bad("stats week 9999-12-31", "GET", "/sites/demo/stats/week?date=9999-12-31", who=ADMIN),
    Bad("stats week 0001-01-01", "GET", "/sites/demo/stats/week?date=0001-01-01", who=ADMIN),
    Bad("export csv 9999-12-31", "GET", "/sites/demo/stats/export.csv?date=9999-12-31", who=ADMIN),
    Bad(
        "appointment at 9999-12-31 -23:59", "POST", "/sites/demo/appointments",
        b'{"service": "anmeldung", "starts_at": "9999-12-31T23:59:59-23:59"}', ADMIN,
    ),
    Bad(
        "appointment at 0001-01-01 +23:59", "POST", "/sites/demo/appointments",
        b'{"service": "anmeldung", "starts_at": "0001-01-01T00:00:00+23:59"}', ADMIN,
    ),
    Bad(
        "appointment at 9999-12-31 local", "POST", "/sites/demo/appointments",
        b'{"service": "anmeldung", "starts_at": "9999-12-31T23:59:59"}', ADMIN,
    ),
    Bad(
        "appointment duration 2^63", "POST", "/sites/demo/appointments",
        b'{"service": "anmeldung", "starts_at": "2026-12-01T10:00:00", "duration_minutes": 9223372036854775808}',
        ADMIN,
    ),
    Bad(
        "appointment NaN duration", "POST", "/sites/demo/appointments",
        b'{"service": "anmeldung", "starts_at": "2026-12-01T10:00:00", "duration_minutes": NaN}', ADMIN,
    ),
    Bad(
        "transfer surrogate note", "POST", "/counters/1/transfer",
        b'{"service": "anmeldung", "note": "\\ud83d"}', ADMIN,
    ),
    Bad("ticket token invalid UTF-8 in path", "GET", "/tickets/%ff%fe%fd%fc%fb%fa%f9%f8"),
    Bad("ticket token surrogate in path", "GET", "/tickets/%ed%a0%80aaaaaaaaaaaaaa"),
    Bad("site invalid UTF-8 in path", "GET", "/sites/%ff/services"),
    Bad(
        "admin user NaN", "POST", "/admin/users",
        b'{"username": "x1", "password": "longenoughpw1", "role": NaN}', ADMIN,
    ),
    Bad("devices status NaN", "POST", "/sites/demo/devices/status", b'{"state": NaN}', KIOSK),
    Bad(
        "form login as JSON with wrong type", "POST", "/auth/login", b'{"username": "a", "password": "b"}',
        headers={"content-type": "text/plain"},
    ),
)


@pytest.fixture(scope="module")
def catalogue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo server with budgets high enough for the whole catalogue."""
    patch = pytest.MonkeyPatch()
    for name in (
        "AUFRUF_SECURITY_PUBLIC_LIMIT", "AUFRUF_SECURITY_LOGIN_LIMIT",
        "AUFRUF_STATUS_RATE_LIMIT", "AUFRUF_STATUS_TOKEN_LIMIT",
    ):
        patch.setenv(name, "100000/minute")
    patch.setenv("AUFRUF_STATUS_MISS_LIMIT", "100000/minute")
    try:
        with run_live_server(tmp_path_factory.mktemp("catalogue")) as server:
            add_admin(server)
            yield server
    finally:
        patch.undo()


def _headers(server: LiveServer, who: str) -> dict[str, str]:
    if who == KIOSK:
        return dict(server.kiosk_headers)
    if who == ADMIN:
        return server.clerk_headers("admin1", ADMIN_PASSWORD)
    return {}


@pytest.mark.parametrize("bad", CATALOGUE, ids=[bad.name for bad in CATALOGUE])
def test_bad_input_gets_a_clear_4xx(catalogue_server: LiveServer, bad: Bad) -> None:
    headers = {"content-type": "application/json", **_headers(catalogue_server, bad.who), **bad.headers}
    response = httpx.request(
        bad.method, catalogue_server.api("") + bad.path, content=bad.body, headers=headers, timeout=30
    )
    assert 400 <= response.status_code < 500, f"{bad.name}: {response.status_code} {response.text[:300]}"
    answer = response.json()
    assert isinstance(answer.get("detail"), str | list) and answer["detail"], answer
    assert len(response.content) < 8192, "the error must not echo a large body back"


def test_a_body_over_the_limit_gets_413(catalogue_server: LiveServer) -> None:
    body = b'{"username": "' + b"a" * (65 * 1024) + b'", "password": "x"}'
    response = httpx.post(
        catalogue_server.api("/auth/login"), content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert b"aaaa" not in response.content


def test_a_chunked_body_over_the_limit_gets_413(catalogue_server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"username": "'
        for _ in range(20):
            yield b"a" * 8192
        yield b'", "password": "x"}'

    response = httpx.post(
        catalogue_server.api("/auth/login"), content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"


def test_a_body_under_the_limit_still_works(catalogue_server: LiveServer) -> None:
    response = httpx.post(catalogue_server.api("/auth/login"), json={"username": "clerk1", "password": "demo"})
    assert response.status_code == 200


@pytest.fixture
def impatient_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A server that gives clients one second for headers and for each piece of a body."""
    monkeypatch.setenv("AUFRUF_HTTP_HEADER_SECONDS", "1")
    monkeypatch.setenv("AUFRUF_HTTP_BODY_SECONDS", "1")
    with run_live_server(tmp_path) as server:
        yield server


def _closed_within(sock: socket.socket, seconds: float) -> bytes:
    """What the server sent before closing the connection; fails if it is still open after `seconds`."""
    sock.settimeout(seconds)
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_a_client_trickling_headers_is_cut_off(impatient_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", impatient_server.port)) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert _closed_within(sock, 5) == b""


def test_a_silent_connection_is_cut_off(impatient_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", impatient_server.port)) as sock:
        assert _closed_within(sock, 5) == b""


def test_a_slow_body_gets_408(impatient_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", impatient_server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"username\": "
        )
        answer = _closed_within(sock, 5)
    assert answer.startswith(b"HTTP/1.1 408") and b"body_timeout" in answer


def test_a_prompt_client_is_unaffected(impatient_server: LiveServer) -> None:
    with httpx.Client() as client:
        for _ in range(3):  # one kept-alive connection, several requests
            assert client.get(impatient_server.api("/health")).status_code == 200


def test_a_websocket_outlives_the_header_deadline(impatient_server: LiveServer) -> None:
    with ws_connect(f"{impatient_server.ws_url}/ws/sites/demo/display", open_timeout=10) as socket:
        assert '"snapshot"' in str(socket.recv(timeout=10))
        # Well past the header deadline, the stream still delivers.
        with pytest.raises(TimeoutError):
            socket.recv(timeout=2.5)
        httpx.post(
            impatient_server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
            headers=impatient_server.kiosk_headers,
        ).raise_for_status()
        assert '"ticket.created"' in str(socket.recv(timeout=10))


def test_a_full_offline_journal_is_not_refused_as_too_large(catalogue_server: LiveServer) -> None:
    entry = {
        "key": "k" * 64, "lease": 1, "serial": 1, "language": "de", "issued_at": "2026-12-01T09:00:00+00:00",
        "token": "t" * 64,
    }
    body = {"tickets": [{**entry, "key": f"{index:064d}"} for index in range(500)]}
    response = httpx.post(
        catalogue_server.api("/sites/demo/tickets/reconcile"), json=body, headers=catalogue_server.kiosk_headers,
        timeout=60,
    )
    assert len(response.request.content) > 64 * 1024
    assert response.status_code == 200, response.text[:300]  # answered per ticket (unknown lease), not 413
