"""The browser display shows a supervisor's notice and a closed service, and drops the notice at expiry by itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.clock import ManualClock
from tests.support.live_server import LiveServer, run_live_server

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NOTICE = {
    "de": "Wegen einer Störung dauert es heute länger.",
    "en": "Due to a fault it takes longer today.",
    "tr": "Bir arıza nedeniyle bugün daha uzun sürüyor.",
}


@pytest.fixture
def clock() -> ManualClock:
    """The server's clock: it moves only when the test moves the browser's virtual clock too."""
    return ManualClock(START)


@pytest.fixture
def server(tmp_path: Path, clock: ManualClock) -> Iterator[LiveServer]:
    """The demo office on a server with a manual clock (the browser's clock is virtual too)."""
    with run_live_server(tmp_path, clock=clock) as live:
        yield live


def test_a_notice_shows_in_the_screens_languages_and_goes_at_expiry(
    page: Page, server: LiveServer, clock: ManualClock
) -> None:
    page.clock.install(time=datetime(2020, 1, 1, tzinfo=UTC))  # the screen's own clock is off: it follows the server
    page.goto(f"{server.url}/display/demo?languages=de,en,tr")
    expect(page.locator("body")).to_have_attribute("data-online", "true")
    expect(page.locator("#notice")).to_be_hidden()
    supervisor = server.clerk_headers("super1")
    posted = httpx.post(server.api("/sites/demo/notices"), json={"texts": NOTICE, "minutes": 2}, headers=supervisor)
    assert posted.status_code == 201, posted.text
    notice = page.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice.locator('[lang="de"]')).to_have_text(NOTICE["de"])
    expect(notice.locator('[lang="en"]')).to_have_text(NOTICE["en"])
    expect(notice.locator('[lang="tr"]')).to_have_text(NOTICE["tr"])
    requests = len(page.requested)  # type: ignore[attr-defined]
    # Both clocks move together, so a snapshot after a reconnect (a slow machine) tells the same time.
    clock.advance(timedelta(seconds=110))
    page.clock.run_for("01:50")
    expect(notice).to_be_visible()
    clock.advance(timedelta(seconds=15))
    page.clock.run_for("00:15")
    expect(notice).to_be_hidden()
    expect(page.locator("#ticker-bar")).to_be_hidden()
    # Taken down by the screen's own timer: nothing but the connection watchdog's health checks went out.
    later = page.requested[requests:]  # type: ignore[attr-defined]
    assert [url for url in later if "/api/" in url and not url.endswith("/api/v1/health")] == []


def test_a_service_closed_for_the_day_shows_the_supervisors_message(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/display/demo?languages=en,de")
    expect(page.locator("body")).to_have_attribute("data-online", "true")
    closed = httpx.post(
        server.api("/sites/demo/services/ausweis/close"),
        headers=server.clerk_headers("super1"),
        json={"message": {"de": "Heute keine Ausweise mehr.", "en": "No more ID cards today."}},
    )
    assert closed.status_code == 200
    row = page.locator('#lines li[data-service="ausweis"]')
    expect(row).to_have_class("closed")
    expect(row.locator(".range")).to_have_text("No more ID cards today.")
