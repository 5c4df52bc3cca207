"""Drawing tickets and calling them, as a kiosk and clerks do, for the display tests."""

from __future__ import annotations

import httpx

from tests.support.live_server import LiveServer


class Office:
    """A kiosk and a logged-in clerk against a live server."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.clerk = server.clerk_headers()

    def draw(self, service: str = "anmeldung", language: str = "de") -> str:
        """Draw a ticket in a language, as chosen at the kiosk; its number."""
        response = httpx.post(
            self.server.api("/sites/demo/tickets"), json={"service": service, "language": language},
            headers=self.server.kiosk_headers,
        )
        response.raise_for_status()
        return str(response.json()["number"])

    def call_next(self, counter: str) -> dict[str, str]:
        """Finish whatever the counter has, then call its next ticket."""
        httpx.post(self.server.api(f"/counters/{counter}/finish"), headers=self.clerk)
        response = httpx.post(self.server.api(f"/counters/{counter}/call-next"), headers=self.clerk)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def recall(self, counter: str) -> dict[str, str]:
        """Call the counter's current ticket again."""
        response = httpx.post(self.server.api(f"/counters/{counter}/recall"), headers=self.clerk)
        assert response.status_code == 200, response.text
        return dict(response.json())
