"""A unit of work reads its rows and configuration once; outside one they are read again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session

from server.counters.lookup import counter_services, get_counter
from server.db import Database
from server.held_rows import unit_of_work
from server.sites.lookup import get_site, serving_counters, site_services
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


def from_table(sent: list[str], table: str) -> int:
    """How many of the statements read `table` (as their first FROM)."""
    return len([statement for statement in sent if f"FROM {table}" in statement])


def test_a_held_site_is_read_once_in_its_unit_of_work(database: Database) -> None:
    with database.transaction() as session, unit_of_work(session, Site), counted(session) as sent:
        first = read_site_name(session)
        gc.collect()
        second = read_site_name(session)
    assert first == second
    assert from_table(sent, "site") == 1


def test_without_a_unit_of_work_a_dropped_site_is_read_again(database: Database) -> None:
    with database.transaction() as session, counted(session) as sent:
        read_site_name(session)
        gc.collect()
        read_site_name(session)
    assert from_table(sent, "site") == 2


def test_services_and_counter_links_are_read_once_per_unit_of_work(database: Database) -> None:
    with database.transaction() as session, counted(session) as sent:
        with unit_of_work(session):
            for _ in range(3):
                site_services(session=session, site_id="demo")
                counter_services(session=session, counter=get_counter(session=session, counter_id="1"))
                serving_counters(session=session, site_id="demo")
        inside = list(sent)
        site_services(session=session, site_id="demo")
        serving_counters(session=session, site_id="demo")
    assert from_table(inside, "service") == 2  # the site's services; the counter's with their ranks
    assert from_table(inside, "counter JOIN counterservice") == 1
    assert from_table(sent[len(inside):], "service") == 1
    assert from_table(sent[len(inside):], "counter JOIN counterservice") == 1


def test_a_counter_held_in_a_unit_of_work_shows_the_transactions_own_change(database: Database) -> None:
    with database.transaction() as session, unit_of_work(session):
        before = serving_counters(session=session, site_id="demo")
        counter = get_counter(session=session, counter_id="1")
        counter.status = "closed" if counter.status == "open" else "open"
        after = serving_counters(session=session, site_id="demo")
    assert before != after
