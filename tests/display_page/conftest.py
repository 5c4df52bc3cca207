"""A headless Chromium (Debian's) for the browser display tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A 1080p page; every request it makes is recorded in `page.requested`."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    tab.requested = requested  # type: ignore[attr-defined]
    yield tab
    context.close()
