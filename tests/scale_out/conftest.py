"""What the scale-out tests share: an empty PostgreSQL database and a private Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import fresh_database
from tests.support.redis_server import RedisProcess, private_redis


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def redis_server() -> Iterator[RedisProcess]:
    """A private Redis that tests may stop and restart."""
    with private_redis() as server:
        yield server
