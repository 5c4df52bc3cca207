"""Recording state changes: one event-log row per change, pushed after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from aufruf.events import EventData
from server.events.envelope import Envelope, EventType
from server.events.models import EventRecord, SiteSequence
from server.privacy import public_event_data
from server.upsert import increment

OUTBOX = "aufruf_outbox"


def wire_data(site_id: str, kind: EventType, data: EventData) -> dict[str, Any]:
    """An event's model as the JSON object logged and sent: its type's own model, with declared fields only."""
    model = data.__class__.__name__
    if kind.value not in data.TYPES:
        raise TypeError(f"A {kind.value} event cannot carry {model}.")
    data.check_declared()
    return public_event_data(site_id, kind.value, data.payload())


def record_event(
    *,
    session: Session,
    site_id: str,
    type: EventType,
    at: datetime,
    actor: str,
    data: EventData,
    ticket_id: int | None = None,
    counter_id: str | None = None,
    service_key: str | None = None,
) -> Envelope:
    """Append an event with the site's next seq and queue it for publishing after commit.

    On a site's public stream only the fields classed public are kept, in the log as on the wire.
    """
    payload = wire_data(site_id, type, data)
    seq = increment(session, SiteSequence, {"site_id": site_id}, "last_seq")
    session.add(
        EventRecord(
            site_id=site_id,
            seq=seq,
            type=type.value,
            at=at,
            actor=actor,
            ticket_id=ticket_id,
            counter_id=counter_id,
            service_key=service_key,
            data=payload,
        )
    )
    envelope = Envelope(seq=seq, type=type.value, at=at, site=site_id, data=payload)
    session.info.setdefault(OUTBOX, []).append(envelope)
    return envelope


@dataclass(frozen=True)
class NewEvent:
    """An event to append with `record_events`."""

    type: EventType
    at: datetime
    actor: str
    data: EventData
    ticket_id: int | None = None
    counter_id: str | None = None
    service_key: str | None = None


def lock_sequence(*, session: Session, site_id: str) -> None:
    """Take the site's sequence row lock now (PostgreSQL), so what is read next is what the events follow."""
    if session.get_bind().dialect.name != "sqlite":
        # SQLite already has the one write lock; on PostgreSQL a no-op upsert locks (or creates) the row.
        increment(session, SiteSequence, {"site_id": site_id}, "last_seq", by=0)


def record_events(*, session: Session, site_id: str, events: list[NewEvent]) -> list[Envelope]:
    """Append several events at once: one seq reservation and one multi-row insert, seqs in list order."""
    if not events:
        return []
    last = increment(session, SiteSequence, {"site_id": site_id}, "last_seq", by=len(events))
    first = last - len(events) + 1
    rows: list[dict[str, Any]] = [
        {
            "site_id": site_id, "seq": first + offset, "type": event.type.value, "at": event.at, "actor": event.actor,
            "ticket_id": event.ticket_id, "counter_id": event.counter_id, "service_key": event.service_key,
            "data": wire_data(site_id, event.type, event.data),
        }
        for offset, event in enumerate(events)
    ]
    # A Core insert of every column, one executemany: the ORM's bulk insert would split rows by which columns are
    # null, and a multi-row VALUES is compiled anew for each row count.
    session.execute(insert(EventRecord.__table__), rows)  # type: ignore[attr-defined]
    envelopes = [
        Envelope(seq=row["seq"], type=row["type"], at=row["at"], site=site_id, data=row["data"]) for row in rows
    ]
    session.info.setdefault(OUTBOX, []).extend(envelopes)
    return envelopes


def current_seq(*, session: Session, site_id: str) -> int:
    """The seq of the site's latest event, 0 before the first."""
    sequence = session.get(SiteSequence, site_id)
    return sequence.last_seq if sequence else 0


def events_between(*, session: Session, site_id: str, after: int, before: int) -> list[Envelope]:
    """Events with after < seq < before, in order, as envelopes."""
    rows = session.exec(
        select(EventRecord)
        .where(EventRecord.site_id == site_id, EventRecord.seq > after, EventRecord.seq < before)
        .order_by(col(EventRecord.seq))
    ).all()
    return [Envelope(seq=row.seq, type=row.type, at=row.at, site=row.site_id, data=row.data) for row in rows]
