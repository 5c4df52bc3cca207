"""The browser display of a branded site in Chromium: the logo loads, the band wears the office's colours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.display_page.test_browser_display import contrast_of_visible_text, open_display
from tests.support.branding import branded_office, png_logo, svg_logo, write_logo
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture(params=["svg", "png"])
def branded_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with a 4:1 logo (SVG or PNG), white on dark blue."""
    name = f"logo.{request.param}"
    write_logo(tmp_path, name, svg_logo(400, 100) if request.param == "svg" else png_logo(400, 100))
    with run_live_server(tmp_path, office=branded_office(tmp_path, name)) as server:
        yield server


def test_display_shows_the_logo_and_the_band_colours(branded_server: LiveServer, page: Page, tmp_path: Path) -> None:
    open_display(page, branded_server, "?sound=off")
    logo = page.locator("#site-logo")
    expect(logo).to_be_visible()
    page.wait_for_function("() => document.getElementById('site-logo').complete")
    natural = page.evaluate(
        "() => { const i = document.getElementById('site-logo'); return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert natural[0] > 0 and natural[1] > 0
    drawn = logo.evaluate("i => [i.width, i.height]")
    assert drawn[1] > 20
    assert abs(drawn[0] / drawn[1] - 4) < 0.1  # drawn in its own proportions
    assert logo.evaluate("i => getComputedStyle(i).backgroundColor") == "rgb(255, 255, 255)"
    band = page.locator("header.top")
    # #003a70 and #ffffff, as the office file set them.
    assert band.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 58, 112)"
    assert page.locator("#site-name").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    expect(page.locator("#site-name")).to_have_text("Bürgeramt Mitte")
    # Every visible text keeps the display's 7:1 with the band in place.
    low = [t for t in contrast_of_visible_text(page) if float(t["ratio"]) < 7]  # type: ignore[arg-type]
    assert low == []
    page.screenshot(path=str(tmp_path / "branded-display.png"))
    # The logo came from the ticket server, nothing from elsewhere.
    assert all(url.startswith((branded_server.url, "data:")) for url in page.requested)  # type: ignore[attr-defined]


def test_an_unbranded_display_has_no_logo_and_its_own_colours(live_server: LiveServer, page: Page) -> None:
    open_display(page, live_server, "?sound=off")
    assert page.locator("#site-logo").count() == 0
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
