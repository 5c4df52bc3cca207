"""Events recorded as they are announced, or together at the end of a block of announcements.

Recorded together, a call's ticket, counter and queue events take one seq reservation and one insert, in
the order they were announced. Only announcements belong in such a block: an event recorded directly
inside it would take its seq before the held ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from server.events.log import NewEvent, record_events

BATCH = "aufruf_announcements"


def announce(*, session: Session, site_id: str, event: NewEvent) -> None:
    """Record the event now, or at the end of the enclosing `announced_together` block."""
    batch: list[tuple[str, NewEvent]] | None = session.info.get(BATCH)
    if batch is None:
        record_events(session=session, site_id=site_id, events=[event])
    else:
        batch.append((site_id, event))


@contextmanager
def announced_together(session: Session) -> Iterator[None]:
    """Hold the events announced in the block and record them when it ends without an error; nested: the outer."""
    if BATCH in session.info:
        yield
        return
    batch: list[tuple[str, NewEvent]] = []
    session.info[BATCH] = batch
    try:
        yield
    finally:
        session.info.pop(BATCH, None)
    # Each site's run of events in one go; the seqs follow the order of announcing.
    start = 0
    for end in range(1, len(batch) + 1):
        if end == len(batch) or batch[end][0] != batch[start][0]:
            record_events(session=session, site_id=batch[start][0], events=[event for _, event in batch[start:end]])
            start = end
