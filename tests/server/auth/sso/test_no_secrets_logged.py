"""Nothing secret reaches the server's logs during directory and provider sign-ins, failed ones included."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.live_server import LiveServer
from tests.support.oidc_provider import CLIENT_SECRET, RunningProvider
from tests.support.slapd import SERVICE_PASSWORD

# uvicorn's loggers do not propagate to the root: each gets the handler itself, as in tests/security/test_logs.py.
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "server", "httpx")
# The test provider runs in this process; its own logs (pyop and the oic library) are the provider's, not ours.
PROVIDER_LOGGERS = ("pyop", "oic", "jwkest")


class Collect(logging.Handler):
    """Keeps every formatted line of the server's side."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(PROVIDER_LOGGERS):
            self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every log line of the process at DEBUG level while the test runs (the provider's quiet)."""
    handler = Collect()
    saved = {name: logging.getLogger(name).level for name in (*LOGGERS, *PROVIDER_LOGGERS)}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(handler)
    for name in PROVIDER_LOGGERS:
        # One of pyop's own debug messages has a broken format string; the provider is not what is checked.
        logging.getLogger(name).setLevel(logging.WARNING)
    yield handler.lines
    for name, level in saved.items():
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(level)


def test_sign_ins_leave_no_secret_in_the_logs(
    sso_server: LiveServer, provider: RunningProvider, log_lines: list[str]
) -> None:
    for password in ("Alice-pass-2026", "Alice-wrong-2026"):
        httpx.post(sso_server.api("/auth/login"), json={"username": "alice", "password": password})
    started = httpx.post(sso_server.api("/auth/oidc/stadt/start"),
                         json={"redirect_uri": sso_server.url + "/supervisor/sso/callback"}).json()
    location = provider.login(started["authorization_url"], username="olga", password="Olga-pass-2026")
    query = parse_qs(urlsplit(location).query)
    answer = httpx.post(sso_server.api("/auth/oidc/stadt/finish"),
                        json={"code": query["code"][0], "state": query["state"][0]})
    assert answer.status_code == 200, answer.text
    text = "\n".join(log_lines)
    assert "/auth/oidc/stadt/finish" in text  # the server did log the requests: the check has something to read
    for secret in (CLIENT_SECRET, SERVICE_PASSWORD, "Alice-pass-2026", "Alice-wrong-2026", "Olga-pass-2026",
                   query["code"][0], answer.json()["access_token"]):
        assert secret not in text
