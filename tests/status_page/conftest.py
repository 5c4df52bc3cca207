"""Fixtures for the status page: an office to act in and Debian's headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.status_page.office import Office
from tests.support.live_server import LiveServer

# Records every notification the page creates, then lets the real constructor run.
RECORD_NOTIFICATIONS = """
(() => {
  window.__notifications = [];
  const Real = window.Notification;
  if (!Real) { return; }
  function Recording(title, options) {
    window.__notifications.push({ title: title, body: (options || {}).body || "" });
    return new Real(title, options);
  }
  Object.defineProperty(Recording, "permission", { get: () => Real.permission });
  Recording.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recording;
})();
"""


@pytest.fixture
def office(live_server: LiveServer) -> Office:
    """A kiosk and a clerk at the demo office."""
    return Office(live_server)


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A phone-sized browser with notifications allowed for the server and recorded."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(RECORD_NOTIFICATIONS)
    yield context
    context.close()
