"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

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
