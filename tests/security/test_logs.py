"""Nothing secret in the logs: passwords, device tokens, ticket tokens and JWTs never appear."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import websockets

from server.security.redact import redact
from tests.security.conftest import ADMIN_PASSWORD, add_admin
from tests.support.live_server import LiveServer
from tests.support.run_async import run_async

WRONG_PASSWORD = "wrong-guess-7f3a"
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "server", "httpx")


class Collect(logging.Handler):
    """Keeps every formatted line."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every log line of the process at DEBUG level while the test runs."""
    handler = Collect()
    saved = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield handler.lines
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(saved[name])


def test_login_ticket_and_device_flows_log_no_secret(live_server: LiveServer, log_lines: list[str]) -> None:
    add_admin(live_server)
    login = live_server.api("/auth/login")
    assert httpx.post(login, json={"username": "clerk1", "password": WRONG_PASSWORD}).status_code == 401
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    jwt = admin["Authorization"].split()[1]
    device_token = httpx.post(live_server.api("/devices/demo-kiosk/rotate"), headers=admin).json()["token"]
    kiosk = {"Authorization": f"Bearer {device_token}"}
    ticket = httpx.post(
        live_server.api("/sites/demo/tickets"), json={"service": "meldebescheinigung"}, headers=kiosk
    ).json()
    ticket_token = ticket["token"]
    assert httpx.get(live_server.api(f"/tickets/{ticket_token}")).status_code == 200
    assert httpx.get(f"{live_server.url}/t/{ticket_token}").status_code == 200

    async def sockets() -> None:
        async with websockets.connect(f"{live_server.ws_url}/ws/tickets/{ticket_token}") as socket:
            await socket.recv()
        async with websockets.connect(f"{live_server.ws_url}/ws/sites/demo/display?token={device_token}") as socket:
            await socket.recv()
        async with websockets.connect(f"{live_server.ws_url}/ws/counters/1?token={jwt}") as socket:
            await socket.recv()

    run_async(sockets())
    httpx.post(live_server.api("/devices/demo-kiosk/revoke"), headers=admin).raise_for_status()
    assert httpx.delete(live_server.api(f"/tickets/{ticket_token}")).status_code == 200

    text = "\n".join(log_lines)
    assert "/api/v1/auth/login" in text and "/ws/tickets/[redacted]" in text  # the access log was captured
    for secret in (WRONG_PASSWORD, ADMIN_PASSWORD, jwt, device_token, ticket_token):
        assert secret not in text


def test_redaction_patterns() -> None:
    assert redact('"GET /t/AbCdEfGh12345678?lang=de HTTP/1.1"') == '"GET /t/[redacted]?lang=de HTTP/1.1"'
    assert redact("/ws/counters/1?token=eyJx.eyJy.sig&x=1") == "/ws/counters/1?token=[redacted]&x=[redacted]"
    # Any query value that could name or reach a person is gone; days and languages stay readable.
    assert redact('"GET /api/v1/sites/demo/appointments?date=2026-12-01&name=Erika%20Mustermann HTTP/1.1"') == (
        '"GET /api/v1/sites/demo/appointments?date=2026-12-01&name=[redacted] HTTP/1.1"'
    )
    assert redact("/x?email=a%40b.de&phone=0151&code=ABCD-1234&lang=tr") == (
        "/x?email=[redacted]&phone=[redacted]&code=[redacted]&lang=tr"
    )
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"
    assert redact("claims eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl") == "claims [redacted-jwt]"
    assert redact("/t/sw.js and /api/v1/health") == "/t/sw.js and /api/v1/health"


def test_the_access_log_shows_no_personal_query_value(live_server: LiveServer, log_lines: list[str]) -> None:
    add_admin(live_server)
    admin = live_server.clerk_headers("admin1", ADMIN_PASSWORD)
    httpx.get(
        live_server.api("/sites/demo/appointments"),
        params={"date": "2026-12-01", "name": "Erika Mustermann", "email": "erika@example.org"}, headers=admin,
    )
    text = "\n".join(line for line in log_lines if "/appointments" in line)
    assert "date=2026-12-01" in text  # the access line was captured
    for personal in ("Erika", "Mustermann", "erika", "example.org"):
        assert personal not in text
