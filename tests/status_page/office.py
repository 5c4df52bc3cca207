"""Drawing and calling tickets as a kiosk and a clerk do, for the status page tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.live_server import LiveServer


class Office:
    """A kiosk and a logged-in clerk against a live server."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.clerk = server.clerk_headers()
        # A generous timeout: a request on a loaded machine may take longer than httpx's default 5 s.
        self.http = httpx.Client(timeout=30)

    def draw(self, service: str = "anmeldung", language: str = "de") -> dict[str, Any]:
        """Draw a ticket; the holder's view with token and status URL."""
        response = self.http.post(
            self.server.api("/sites/demo/tickets"),
            json={"service": service, "language": language},
            headers=self.server.kiosk_headers,
        )
        response.raise_for_status()
        return dict(response.json())

    def open_counter(self, counter: str) -> None:
        """The clerk opens a counter, so the forecast counts it."""
        self.http.post(self.server.api(f"/counters/{counter}/resume"), headers=self.clerk).raise_for_status()

    def call_next(self, counter: str) -> dict[str, Any]:
        """Finish whatever the counter has, then call its next ticket."""
        self.http.post(self.server.api(f"/counters/{counter}/finish"), headers=self.clerk)
        response = self.http.post(self.server.api(f"/counters/{counter}/call-next"), headers=self.clerk)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def call(self, counter: str, number: str) -> dict[str, Any]:
        """Finish whatever the counter has, then call a given number."""
        self.http.post(self.server.api(f"/counters/{counter}/finish"), headers=self.clerk)
        response = self.http.post(
            self.server.api(f"/counters/{counter}/call"), json={"number": number}, headers=self.clerk
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def settled(self) -> None:
        """Wait until the server's forecaster has recomputed after every change so far."""
        assert self.server.context.forecaster.settled.wait(timeout=30)

    def ticket(self, token: str) -> dict[str, Any]:
        """The ticket's public view as the API gives it now."""
        response = self.http.get(self.server.api(f"/tickets/{token}"))
        response.raise_for_status()
        return dict(response.json())

    def status(self, token: str) -> str:
        """The ticket's status as the API reports it."""
        response = self.http.get(self.server.api(f"/tickets/{token}"))
        response.raise_for_status()
        return str(response.json()["status"])
