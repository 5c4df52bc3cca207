"""Counter ids per site and roles per site in the office file and the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel import select

from server.auth.passwords import hash_password
from server.counters.models import Counter
from server.db import Database
from server.demo import demo_office
from server.migrations.runner import alembic_config
from server.office.apply import apply_office
from server.office.schema import ClerkConfig, OfficeConfig

HASH = hash_password("a-long-password")


def _two_sites(*clerks: ClerkConfig) -> OfficeConfig:
    demo = demo_office().sites[0]
    return OfficeConfig(sites=[demo, demo.model_copy(update={"id": "nord", "devices": []})], clerks=list(clerks))


def test_two_sites_may_both_have_a_counter_1(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    database.create_schema()
    office = _two_sites(ClerkConfig(username="c", password_hash=HASH, sites=["nord"]))
    for _ in range(2):  # applying the file again changes nothing
        with database.transaction() as session:
            apply_office(session=session, office=office)
    with database.read() as session:
        ones = session.exec(select(Counter).where(Counter.key == "1").order_by(Counter.site_id)).all()
        assert [(c.site_id, c.id, c.express) for c in ones] == [("demo", "1", True), ("nord", "nord:1", True)]
        assert not session.get(Counter, "2").express  # (its first choice is An-/Ummeldung)
    database.dispose()


def test_with_several_sites_every_clerk_names_theirs() -> None:
    with pytest.raises(ValidationError, match="needs 'sites"):
        _two_sites(ClerkConfig(username="c", password_hash=HASH))
    with pytest.raises(ValidationError, match="unknown sites"):
        _two_sites(ClerkConfig(username="c", password_hash=HASH, sites=["sued"]))
    with pytest.raises(ValidationError, match="admin"):
        ClerkConfig(username="a", role="admin", password_hash=HASH, sites=["nord"])
    _two_sites(ClerkConfig(username="a", role="admin", password_hash=HASH))  # admins are global


def test_upgrading_keeps_existing_counter_ids_as_their_keys(tmp_path: Path) -> None:
    """A database of the previous schema: its counters become keys of their sites, paths unchanged."""
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(database.engine)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "da0ba0615db2")
        connection.execute(text("INSERT INTO site (id, name, timezone, opening_hours, always_open, languages, "
                                "near_turn_alert) VALUES ('mitte', 'Mitte', 'Europe/Berlin', '{}', 0, '[]', 3)"))
        connection.execute(text("INSERT INTO counter (id, site_id, name, status, active_services) "
                                "VALUES ('7', 'mitte', 'Schalter 7', 'closed', '')"))
    database.create_schema()
    with database.read() as session:
        counter = session.get(Counter, "7")
        assert counter is not None and (counter.key, counter.express, counter.paused_until) == ("7", False, None)
    database.dispose()
