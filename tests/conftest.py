"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlmodel import select

from server.auth.models import Clerk
from server.clock import ManualClock
from server.db import Database
from server.demo import demo_office
from server.office.apply import apply_office
from server.office.schema import OfficeConfig
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.live_server import LiveServer, run_live_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office on a real uvicorn server on loopback with a fresh SQLite file."""
    with run_live_server(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for every browser test of the session (Playwright allows one per thread)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
def clock() -> ManualClock:
    """A clock standing on a Tuesday morning in Berlin."""
    return ManualClock(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))


@pytest.fixture
def clerk(database: Database) -> Clerk:
    """The demo clerk."""
    with database.transaction() as session:
        found = session.exec(select(Clerk).where(Clerk.username == "clerk1")).one()
    return found
