"""A typed, synchronous client for the ticket server's HTTP API."""

from __future__ import annotations

from typing import Any

import httpx

from server.counters.schemas import CounterOut
from server.sites.schemas import ServiceOut
from server.tickets.schemas import TicketOut

API_PREFIX = "/api/v1"


class ApiError(Exception):
    """The server refused a request; `message` is meant for people, `code` for programs."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class ServerUnreachable(ApiError):
    """No answer from the server: network down, server stopped, or timed out.

    `maybe_delivered` is False only when the request cannot have reached the server (no connection was
    made); otherwise the server may have done the work and only its answer was lost.
    """

    def __init__(self, message: str, *, maybe_delivered: bool = True) -> None:
        super().__init__(0, "unreachable", message)
        self.maybe_delivered = maybe_delivered


def _error_from(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):  # FastAPI validation errors
        detail = "; ".join(f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in detail)
    code = body.get("code", "invalid_request" if response.status_code == 422 else "error")
    return ApiError(response.status_code, str(code), str(detail or response.reason_phrase))


class ApiClient:
    """One server, one identity (device or clerk token); safe to share between threads."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        # Sent with every request, e.g. the counter app's workstation id.
        self.headers: dict[str, str] = {}
        self._http = httpx.Client(base_url=self.base_url + API_PREFIX, timeout=timeout, trust_env=False)

    def close(self) -> None:
        """Release pooled connections."""
        self._http.close()

    def request(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """Send a request and raise ApiError or ServerUnreachable unless it succeeded."""
        all_headers = {**self.headers, **(headers or {})}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, json=json, headers=all_headers)
        except httpx.TransportError as error:
            raise ServerUnreachable(
                f"The server at {self.base_url} cannot be reached ({type(error).__name__}).",
                maybe_delivered=not isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)),
            ) from error
        if response.is_error:
            raise _error_from(response)
        return response

    # Anyone
    def health(self) -> dict[str, Any]:
        """The server's health report."""
        return dict(self.request("GET", "/health").json())

    def services(self, site: str, *, language: str = "de") -> list[ServiceOut]:
        """Every service at a site with live figures."""
        rows = self.request("GET", f"/sites/{site}/services?language={language}").json()
        return [ServiceOut.model_validate(row) for row in rows]

    def ticket(self, token: str) -> TicketOut:
        """A ticket's current status."""
        return TicketOut.model_validate(self.request("GET", f"/tickets/{token}").json())

    def give_up(self, token: str) -> TicketOut:
        """Cancel a ticket on the citizen's behalf."""
        return TicketOut.model_validate(self.request("DELETE", f"/tickets/{token}").json())

    def display_state(self, site: str) -> dict[str, Any]:
        """The display snapshot, for polling."""
        return dict(self.request("GET", f"/sites/{site}/display").json())

    # Kiosks
    def draw_ticket(
        self, site: str, service: str, *, language: str, idempotency_key: str, visual_call: bool = False
    ) -> TicketOut:
        """Draw a ticket; repeating the key returns the same ticket instead of a second one."""
        body: dict[str, Any] = {"service": service, "language": language}
        if visual_call:
            body["visual_call"] = True  # only sent when chosen, so older servers keep working
        response = self.request(
            "POST",
            f"/sites/{site}/tickets",
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return TicketOut.model_validate(response.json())

    def check_in(self, site: str, code: str, *, visual_call: bool = False) -> TicketOut:
        """Turn a booking code into an appointment ticket."""
        body: dict[str, Any] = {"code": code}
        if visual_call:
            body["visual_call"] = True
        return TicketOut.model_validate(self.request("POST", f"/sites/{site}/check-in", json=body).json())

    def remote_check_in(self, site: str, code: str) -> TicketOut:
        """Check in a ticket drawn from a phone: its scanned status URL or its typed short code."""
        response = self.request("POST", f"/sites/{site}/remote-join/check-in", json={"code": code})
        return TicketOut.model_validate(response.json())

    def report_status(self, site: str, *, component: str, state: str, detail: str | None = None) -> None:
        """Tell the server about a device part's state (e.g. printer out of paper)."""
        self.request(
            "POST", f"/sites/{site}/devices/status", json={"component": component, "state": state, "detail": detail}
        )

    # Clerks
    def login(self, username: str, password: str) -> dict[str, Any]:
        """Log in; the client uses the returned token from now on."""
        body = dict(self.request("POST", "/auth/login", json={"username": username, "password": password}).json())
        self.token = body["access_token"]
        return body

    def counters(self, site: str) -> list[CounterOut]:
        """Every counter at a site."""
        return [CounterOut.model_validate(row) for row in self.request("GET", f"/sites/{site}/counters").json()]

    def counter(self, counter: str) -> CounterOut:
        """One counter's state."""
        return CounterOut.model_validate(self.request("GET", f"/counters/{counter}").json())

    def call_next(self, counter: str) -> TicketOut | None:
        """Call the next citizen, or None when nobody waits."""
        response = self.request("POST", f"/counters/{counter}/call-next")
        return None if response.status_code == 204 else TicketOut.model_validate(response.json())

    def call(self, counter: str, number: str) -> TicketOut:
        """Call a particular number."""
        return TicketOut.model_validate(
            self.request("POST", f"/counters/{counter}/call", json={"number": number}).json()
        )

    def act(self, counter: str, action: str) -> TicketOut:
        """recall, start, finish, no-show or park the counter's current ticket."""
        return TicketOut.model_validate(self.request("POST", f"/counters/{counter}/{action}").json())

    def transfer(self, counter: str, service: str, *, note: str | None = None) -> TicketOut:
        """Send the current citizen to another service's line."""
        body = {"service": service, "note": note}
        return TicketOut.model_validate(self.request("POST", f"/counters/{counter}/transfer", json=body).json())

    def set_paused(self, counter: str, paused: bool) -> CounterOut:
        """Pause or resume a counter."""
        action = "pause" if paused else "resume"
        return CounterOut.model_validate(self.request("POST", f"/counters/{counter}/{action}").json())
