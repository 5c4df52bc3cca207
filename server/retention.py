"""Deleting personal free text (transfer and alarm notes) from tickets and the event log after retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from server.events.models import EventRecord
from server.privacy import PERSONAL_TEXT_KEYS
from server.tickets.models import Ticket


def purge_ticket_notes(*, session: Session, site_id: str, before: datetime) -> int:
    """Empty the notes of the site's tickets issued before `before`; returns how many."""
    result = session.execute(
        update(Ticket)
        .where(col(Ticket.site_id) == site_id, col(Ticket.issued_at) < before, col(Ticket.note).is_not(None))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_event_notes(*, session: Session, site_id: str, before: datetime) -> int:
    """Remove personal text from the site's events (all its channels) older than `before`; returns how many.

    The log is otherwise never changed: this is the one rewrite, so that it keeps no personal data.
    """
    # The site's stream and its private channels ("{site}~sup", "{site}~sec"; see server.events.channels).
    of_site = or_(
        col(EventRecord.site_id) == site_id, col(EventRecord.site_id).startswith(f"{site_id}~", autoescape=True)
    )
    carries_text = [col(EventRecord.data)[key].as_string().is_not(None) for key in PERSONAL_TEXT_KEYS]
    rows = session.exec(
        select(EventRecord).where(
            of_site, col(EventRecord.at) < before, or_(*carries_text)
        )
    ).all()
    for row in rows:
        # A new dict, so the JSON column sees the change.
        row.data = {key: (None if key in PERSONAL_TEXT_KEYS else value) for key, value in row.data.items()}
        session.add(row)
    return len(rows)
