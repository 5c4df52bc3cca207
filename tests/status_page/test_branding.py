"""The status page of a branded site on a phone in Chromium: logo, band colours and the AAA contrast audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.status_page.office import Office
from tests.status_page.test_accessibility import audit, serious
from tests.support.branding import branded_office, svg_logo, write_logo
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def branded_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with a 3:1 SVG logo, white on dark blue."""
    write_logo(tmp_path, "logo.svg", svg_logo(300, 100))
    with run_live_server(tmp_path, office=branded_office(tmp_path, "logo.svg")) as server:
        yield server


@pytest.mark.parametrize("language", ["de", "ar"])
def test_status_page_shows_the_logo_in_the_band(browser: Browser, branded_server: LiveServer, language: str) -> None:
    mine = Office(branded_server).draw(language=language)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(mine["status_url"])
        logo = page.locator("#site-logo")
        expect(logo).to_be_visible()
        page.wait_for_function("() => document.getElementById('site-logo').complete")
        assert page.evaluate("() => document.getElementById('site-logo').naturalWidth") > 0
        drawn = logo.evaluate("i => [i.width, i.height]")
        assert abs(drawn[0] / drawn[1] - 3) < 0.1
        band = page.locator("header.top")
        assert band.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 58, 112)"
        assert page.locator(".site").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    finally:
        context.close()
    # The band keeps the page's promise: WCAG AA and the AAA contrast rule, no violation.
    assert serious(audit(browser, mine["status_url"])) == []
