"""The queue figures every path announces, and what a call-next reads to announce them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlmodel import Session

from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from tests.counter_app.watch import watching
from tests.support.live_server import run_live_server
from tests.support.service_calls import PUBLIC_URL, draw

MESSAGE = {"de": "Heute keine Ausweise mehr.", "en": "No more ID cards today."}


def closed_ausweis(message: dict[str, Any]) -> bool:
    """Whether a queue.changed shows the ID card service closed by the supervisor."""
    return message["type"] == "queue.changed" and any(
        s["id"] == "ausweis" and s["closed_reason"] == "closed_by_supervisor" for s in message["data"]["services"]
    )


def test_a_drawn_ticket_announces_the_closed_services_message_too(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    with (
        run_live_server(tmp_path, clock=clock) as server,
        watching(f"{server.ws_url}/ws/sites/demo/display") as display,
    ):
        display.snapshot()
        supervisor = server.clerk_headers("super1")
        closed = httpx.post(
            server.api("/sites/demo/services/ausweis/close"), json={"message": MESSAGE}, headers=supervisor
        )
        assert closed.status_code == 200
        display.wait_for(closed_ausweis)
        drawn = httpx.post(
            server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=server.kiosk_headers
        )
        assert drawn.status_code == 201
        # The queue.changed of the draw (the group commit's own payload) still carries the supervisor's message.
        after_draw = display.wait_for(lambda m: closed_ausweis(m) and anmeldung_waiting(m) == 1)
    shown = next(s for s in after_draw["data"]["services"] if s["id"] == "ausweis")
    assert shown["closed_message"] == MESSAGE


def anmeldung_waiting(message: dict[str, Any]) -> int:
    """How many wait for registration in a queue.changed."""
    return next(s["waiting"] for s in message["data"]["services"] if s["id"] == "anmeldung")


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL the session's connection sends while the block runs."""
    sent: list[str] = []
    connection = session.connection()

    def record(_connection: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_a_call_reads_its_configuration_once_and_reserves_its_seqs_once(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    for _ in range(30):
        draw(database, clock, "anmeldung")
    with database.transaction() as session, statements(session) as sent, counters.counter_command(session, clerk):
        called = counters.call_next(
            session=session, counter_id="1", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL
        )
    assert called is not None and called.number == "A001"
    # Three events (ticket, counter, queue): one reservation of their seqs.
    assert len([s for s in sent if s.startswith("INSERT INTO sitesequence")]) == 1
    # The site, the acting clerk and which counter may serve what: read once, or not at all.
    assert len([s for s in sent if " FROM site " in s]) <= 1
    assert not [s for s in sent if " FROM clerk " in s]
    assert len([s for s in sent if "FROM counter JOIN counterservice" in s]) == 1
