"""Keep rows loaded in a transaction in its identity map, so repeated look-ups by key need no SQL.

SQLAlchemy's identity map holds objects weakly: a site or counter read in one helper and dropped is read
again by the next `session.get`. A command that reads the same configuration rows from many places holds
them here for its transaction; nothing changes them behind the ORM's back (no bulk UPDATE touches them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session


@contextmanager
def holding(session: Session, *kinds: type) -> Iterator[None]:
    """While the block runs, keep every loaded object of `kinds` referenced (and so in the identity map)."""
    held: list[object] = []

    def keep(_session: Session, instance: object) -> None:
        if isinstance(instance, kinds):
            held.append(instance)

    event.listen(session, "loaded_as_persistent", keep)
    try:
        yield
    finally:
        event.remove(session, "loaded_as_persistent", keep)
        held.clear()
