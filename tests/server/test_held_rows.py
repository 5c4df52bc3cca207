"""Rows held for a transaction are read once; outside the hold they are read again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session

from server.db import Database
from server.held_rows import holding
from server.sites.lookup import get_site
from server.sites.models import Site


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session's connection sends while the block runs."""
    sent: list[str] = []
    connection = session.connection()

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def read_site_name(session: Session) -> str:
    """Read the demo site and keep nothing of it but its name."""
    return get_site(session=session, site_id="demo").name


def test_a_held_site_is_read_once_in_its_transaction(database: Database) -> None:
    with database.transaction() as session, holding(session, Site), counted(session) as sent:
        first = read_site_name(session)
        gc.collect()
        second = read_site_name(session)
    assert first == second
    assert len([statement for statement in sent if "FROM site" in statement]) == 1


def test_without_a_hold_a_dropped_site_is_read_again(database: Database) -> None:
    with database.transaction() as session, counted(session) as sent:
        read_site_name(session)
        gc.collect()
        read_site_name(session)
    assert len([statement for statement in sent if "FROM site" in statement]) == 2
