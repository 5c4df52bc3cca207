"""The browser display: a call for someone who cannot hear it stands out, and for longer."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.display_page.calls import Office
from tests.display_page.test_browser_display import open_display
from tests.support.live_server import LiveServer


def test_a_visual_call_is_framed_flashes_longer_and_keeps_a_highlighted_row(
    live_server: LiveServer, page: Page
) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?sound=off&flash=1&visual=20")
    response = httpx.post(
        live_server.api("/sites/demo/tickets"), json={"service": "anmeldung", "visual_call": True},
        headers=live_server.kiosk_headers,
    )
    visual = response.json()["number"]
    office.call_next("2")
    expect(page.locator("#current-number")).to_have_text(visual, timeout=2000)
    expect(page.locator("#current")).to_have_class("current visual fresh")
    assert page.evaluate("window.aufrufDisplay.state.calls[0].visual_call") is True
    plain = office.draw()
    office.call_next("3")
    expect(page.locator("#current-number")).to_have_text(plain, timeout=2000)
    expect(page.locator("#current")).to_have_class("current fresh")
    expect(page.locator(f'#recent-list li[data-number="{visual}"]')).to_have_class("visual")
    # An ordinary call stops flashing after its second; the visual one would have gone on for 20.
    expect(page.locator("#current")).to_have_class("current", timeout=3000)
    expect(page.locator(f'#recent-list li[data-number="{visual}"]')).to_have_class("visual")
