"""Fixtures of the statistics tests: a fresh demo-office database, the hand-computed day seeded into it."""

from __future__ import annotations

import pytest

from server.db import Database
from tests.stats.scenario import Office


@pytest.fixture
def office(database: Database) -> Office:
    """The office driven through its service functions."""
    return Office(database)
