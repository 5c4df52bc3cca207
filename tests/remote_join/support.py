"""Helpers for remote-join tests: an office with remote joining on, clients from given loopback addresses."""

from __future__ import annotations

from typing import Any

import httpx

from server.demo import demo_office
from server.office.schema import OfficeConfig
from server.remote_join.rules import solve
from server.remote_join.settings import RemoteJoinConfig
from tests.support.live_server import LiveServer


def remote_office(**settings: Any) -> OfficeConfig:
    """The demo office with remote joining switched on (and whatever else the test sets)."""
    office = demo_office()
    site_updates = settings.pop("site", {})
    site = office.sites[0].model_copy(
        update={"remote_join": RemoteJoinConfig(enabled=True, **settings), **site_updates}
    )
    return office.model_copy(update={"sites": [site]})


def client_from(address: str = "127.0.0.1") -> httpx.Client:
    """An HTTP client whose requests leave from a given loopback address (the server sees that address)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def join(
    client: httpx.Client, server: LiveServer, service: str = "anmeldung", language: str = "de",
    *, solve_it: bool = True,
) -> httpx.Response:
    """Fetch a puzzle, solve it and draw a remote ticket, as the page's script does."""
    asked = client.post(server.api("/sites/demo/remote-join/challenge"))
    if asked.status_code != 200:
        return asked
    puzzle = asked.json()
    nonce = solve(puzzle["challenge"], puzzle["bits"]) if solve_it else "0"
    return client.post(
        server.api("/sites/demo/remote-join/tickets"),
        json={"service": service, "language": language, "challenge": puzzle["challenge"], "nonce": nonce},
    )
