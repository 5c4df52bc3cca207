"""Fixtures of the statistics tests: a fresh demo-office database, the hand-computed day seeded into it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.db import Database
from server.demo import demo_office
from server.office.apply import apply_office
from server.office.schema import OfficeConfig
from tests.stats.scenario import Office


@pytest.fixture(scope="session")
def office_config() -> OfficeConfig:
    """The demo office (hashing its passwords once per session)."""
    return demo_office()


@pytest.fixture
def database(tmp_path: Path, office_config: OfficeConfig) -> Iterator[Database]:
    """A fresh SQLite file with the demo office written into it."""
    database = Database(f"sqlite:///{tmp_path / 'aufruf.db'}")
    database.create_schema()
    with database.transaction() as session:
        apply_office(session=session, office=office_config)
    yield database
    database.dispose()


@pytest.fixture
def office(database: Database) -> Office:
    """The office driven through its service functions."""
    return Office(database)
