"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer, run_live_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office on a real uvicorn server on loopback with a fresh SQLite file."""
    with run_live_server(tmp_path) as server:
        yield server
