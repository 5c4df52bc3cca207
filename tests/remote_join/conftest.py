"""Fixtures for remote-join tests: a live server whose demo office offers joining from a phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.clock import ManualClock
from tests.remote_join.support import remote_office
from tests.support.live_server import LiveServer, run_live_server

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def tuesday() -> ManualClock:
    """The server's clock: a Tuesday in Berlin at 09:00, moved only by the test."""
    return ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN))


@pytest.fixture
def remote_server(tmp_path: Path, tuesday: ManualClock) -> Iterator[LiveServer]:
    """The demo office with remote joining on at its defaults, on the Tuesday clock."""
    with run_live_server(tmp_path, office=remote_office(), clock=tuesday) as server:
        yield server
