"""A call's events: one insert for the three of them, with the next seqs in the order they happened."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import col, select

from server.auth.models import Clerk
from server.clock import ManualClock
from server.counters import service as counters
from server.db import Database
from server.events.log import current_seq
from server.events.models import EventRecord
from tests.support.service_calls import PUBLIC_URL, draw


def test_a_call_records_its_events_in_one_insert_with_consecutive_seqs(
    database: Database, clock: ManualClock, clerk: Clerk
) -> None:
    draw(database, clock, "anmeldung")
    with database.read() as session:
        before = current_seq(session=session, site_id="demo")
    inserts: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO eventrecord"):
            inserts.append(statement)

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.transaction() as session, counters.counter_command(session, clerk):
            counters.call_next(session=session, counter_id="2", clerk=clerk, now=clock.now(), public_url=PUBLIC_URL)
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    assert len(inserts) == 1
    with database.read() as session:
        rows = session.exec(
            select(EventRecord).where(EventRecord.site_id == "demo", EventRecord.seq > before)
            .order_by(col(EventRecord.seq))
        ).all()
        assert current_seq(session=session, site_id="demo") == before + 3
    assert [(row.seq, row.type) for row in rows] == [
        (before + 1, "ticket.called"), (before + 2, "counter.changed"), (before + 3, "queue.changed")
    ]
    # The columns each event fills stay as they were: the ticket's on the ticket's, the counter's on both.
    assert (rows[0].ticket_id is not None, rows[1].counter_id, rows[2].ticket_id) == (True, "2", None)
