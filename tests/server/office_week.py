"""Two offices on a virtual clock, driven through the real HTTP API as kiosks and clerks drive them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import col, func, select

from server.auth.tokens import hash_device_token
from server.clock import ManualClock
from server.counters.session_models import CounterSession
from server.demo import demo_office
from server.events.models import EventRecord
from server.office.schema import CounterConfig, DeviceConfig, OfficeConfig
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket
from tests.support.live_server import LiveServer, run_live_server

BERLIN = ZoneInfo("Europe/Berlin")
MITTE_KIOSK_TOKEN = "mitte-kiosk-token-of-the-office-week-0123456789"
OPEN_STATUSES = (TicketStatus.waiting, TicketStatus.called, TicketStatus.parked, TicketStatus.serving)


def two_sites() -> OfficeConfig:
    """The always-open demo site plus 'mitte' with the example office's opening hours and three counters."""
    office = demo_office()
    demo = office.sites[0]
    mitte = demo.model_copy(
        update={
            "id": "mitte",
            "name": "Bürgeramt Mitte",
            "always_open": False,
            "opening_hours": {
                "mon": [("08:00", "12:30")],
                "tue": [("08:00", "12:30"), ("14:00", "18:00")],
                "wed": [("08:00", "12:30")],
                "thu": [("08:00", "12:30"), ("14:00", "18:00")],
                "fri": [("08:00", "12:00")],
            },
            "counters": [
                CounterConfig(id="m1", name="Mitte 1", services=["anmeldung", "ausweis", "meldebescheinigung"]),
                CounterConfig(id="m2", name="Mitte 2", services=["anmeldung", "ausweis", "meldebescheinigung"]),
                CounterConfig(id="m3", name="Mitte 3", services=["anmeldung", "ausweis"]),
            ],
            "devices": [
                DeviceConfig(id="mitte-kiosk", kind="kiosk", token_sha256=hash_device_token(MITTE_KIOSK_TOKEN))
            ],
        }
    )
    return office.model_copy(update={"sites": [demo, mitte]})


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Berlin."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def wait_until(condition: Callable[[], bool], *, timeout: float = 15.0, what: str = "condition") -> None:
    """Poll a condition until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Desk:
    """One clerk at one workstation, logged in through the API."""

    def __init__(self, server: LiveServer, username: str, workstation: str) -> None:
        self.server, self.username, self.workstation = server, username, workstation
        self.headers: dict[str, str] = {}
        self.login()

    def login(self) -> None:
        """Log in again (tokens end with the virtual day too)."""
        self.headers = {**self.server.clerk_headers(self.username), "X-Aufruf-Workstation": self.workstation}

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """POST an API path as this clerk."""
        return httpx.post(self.server.api(path), json=body, headers=self.headers, timeout=10)

    def get(self, path: str) -> httpx.Response:
        """GET an API path as this clerk."""
        return httpx.get(self.server.api(path), headers=self.headers, timeout=10)

    def open(self, counter: str, *, takeover: bool = False) -> httpx.Response:
        """Open (or take over) a counter."""
        return self.post(f"/counters/{counter}/open", {"takeover": takeover})


class Week:
    """The server (restartable), the virtual clock and the invariants checked after every step."""

    def __init__(self, data_dir: Path, clock: ManualClock, **settings: object) -> None:
        self.data_dir, self.clock, self.settings = data_dir, clock, settings
        self.office = two_sites()
        self.server: LiveServer | None = None

    @contextmanager
    def serving(self) -> Iterator[LiveServer]:
        """Run the server on the same database until the block ends."""
        with run_live_server(self.data_dir, office=self.office, clock=self.clock, **self.settings) as server:
            self.server = server
            try:
                yield server
            finally:
                self.server = None

    @property
    def live(self) -> LiveServer:
        """The running server."""
        assert self.server is not None, "the server is down"
        return self.server

    def draw(self, site: str, service: str) -> dict[str, Any]:
        """Draw a ticket at a site's kiosk."""
        token = MITTE_KIOSK_TOKEN if site == "mitte" else "demo-kiosk"
        response = httpx.post(
            self.live.api(f"/sites/{site}/tickets"), json={"service": service},
            headers={"Authorization": f"Bearer {token}"}, timeout=10,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def status(self, ticket: dict[str, Any]) -> str:
        """A ticket's status as its holder sees it."""
        return str(httpx.get(self.live.api(f"/tickets/{ticket['token']}"), timeout=10).json()["status"])

    def open_from_earlier_days(self, site: str) -> list[tuple[str, str]]:
        """(number, status) of every ticket still open from a business day before today's."""
        today = self.clock.now().astimezone(BERLIN).date()
        with self.live.context.database.read() as session:
            rows = session.exec(
                select(Ticket.number, Ticket.status).where(
                    Ticket.site_id == site, col(Ticket.status).in_(OPEN_STATUSES), Ticket.business_day < today
                )
            ).all()
        return [(str(number), str(status)) for number, status in rows]

    def open_sessions_per_counter(self) -> dict[str, int]:
        """How many open sessions each counter has."""
        with self.live.context.database.read() as session:
            rows = session.exec(
                select(CounterSession.counter_id, func.count())
                .where(col(CounterSession.closed_at).is_(None))
                .group_by(col(CounterSession.counter_id))
            ).all()
        return {str(counter): int(count) for counter, count in rows}

    def expired_reasons(self, site: str) -> dict[str, str]:
        """Ticket id -> reason of every ticket.expired event at a site."""
        with self.live.context.database.read() as session:
            rows = session.exec(
                select(EventRecord).where(EventRecord.site_id == site, EventRecord.type == "ticket.expired")
            ).all()
        return {str(row.data["number"]) + "@" + str(row.data.get("business_day")): row.data["reason"] for row in rows}

    def waiting(self, site: str) -> int:
        """Tickets waiting at a site as the services list says."""
        rows = httpx.get(self.live.api(f"/sites/{site}/services"), timeout=10).json()
        return sum(int(row["waiting"]) for row in rows)

    def advance_to(self, moment: datetime) -> None:
        """Move the virtual clock forward."""
        self.clock.set(moment)

    def after(self, delta: timedelta) -> None:
        """Let virtual time pass."""
        self.clock.advance(delta)
