"""Fixtures for server tests that call service functions directly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from server.auth.models import Clerk
from server.clock import ManualClock
from server.db import Database
from server.demo import demo_office
from server.office.apply import apply_office
from server.office.schema import OfficeConfig
from tests.support.service_calls import PUBLIC_URL  # noqa: F401  (shared with other test packages)


@pytest.fixture(scope="session")
def office() -> OfficeConfig:
    """The demo office (hashing its passwords once per session)."""
    return demo_office()


@pytest.fixture
def database(tmp_path: Path, office: OfficeConfig) -> Iterator[Database]:
    """A fresh SQLite file with the demo office written into it."""
    database = Database(f"sqlite:///{tmp_path / 'aufruf.db'}")
    database.create_schema()
    with database.transaction() as session:
        apply_office(session=session, office=office)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing on a Tuesday morning in Berlin."""
    return ManualClock(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))


@pytest.fixture
def clerk(database: Database) -> Clerk:
    """The demo clerk."""
    from sqlmodel import select

    with database.transaction() as session:
        found = session.exec(select(Clerk).where(Clerk.username == "clerk1")).one()
    return found
