"""Drawing and serving tickets through the service functions, for tests that run on a virtual clock."""

from __future__ import annotations

from sqlmodel import select

from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.tickets.issuance import issue_ticket

PUBLIC_URL = "http://aufruf.test"


def draw(database: Database, clock: ManualClock, service: str) -> str:
    """Draw a walk-in ticket at the demo site now; its number."""
    with database.transaction() as session:
        ticket, _ = issue_ticket(
            session=session, site_id="demo", service_key=service, language="de", now=clock.now(), actor="test",
            public_url=PUBLIC_URL,
        )
        return ticket.number


def serve_next(database: Database, clock: ManualClock, clerk: Clerk, counter: str) -> str | None:
    """Call the counter's next ticket and finish it at once; its number, or None if nobody waits."""
    with database.transaction() as session:
        ticket = counters.call_next(
            session=session, counter_id=counter, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
        )
        if ticket is None:
            return None
        counters.finish(session=session, counter_id=counter, clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
        return ticket.number


def open_counters(database: Database, clock: ManualClock, *counter_ids: str, username: str = "clerk1") -> None:
    """Clerks open these counters (as resuming does), so forecasts count them."""
    with database.transaction() as session:
        clerk = session.exec(select(Clerk).where(Clerk.username == username)).one()
        for counter_id in counter_ids:
            counters.set_paused(
                session=session, counter_id=counter_id, paused=False, clerk=clerk, now=clock.now(),
                public_url=PUBLIC_URL,
            )
