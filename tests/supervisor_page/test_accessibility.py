"""An axe-core audit (injected locally) of the supervisor page: log-in form and live page with figures."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.axe import AXE
from tests.support.live_server import LiveServer

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}


def audit(browser: Browser, url: str, act: Any) -> list[str]:
    """Open the page, act, run axe; return the serious and critical violations."""
    assert AXE.exists(), "axe-core is missing: run scripts/setup"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # An init script is injected by the browser itself, so the page's CSP still forbids inline code.
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        page.goto(url)
        act(page)
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        return [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_login_form(browser: Browser, live_server: LiveServer, lang: str) -> None:
    def wrong_password(page: Page) -> None:
        page.locator("#username").fill("super1")
        page.locator("#password").fill("nope")
        page.locator("#login-form button").click()
        expect(page.locator("#login-error")).not_to_be_empty()

    assert audit(browser, f"{live_server.url}/supervisor/demo?lang={lang}", wrong_password) == []


def test_live_page_with_alarm_device_and_figures(browser: Browser, live_server: LiveServer) -> None:
    clerk = live_server.clerk_headers("clerk1")
    for service in ("anmeldung", "kfz"):
        httpx.post(live_server.api("/sites/demo/tickets"), json={"service": service},
                   headers=live_server.kiosk_headers).raise_for_status()
    httpx.post(live_server.api("/counters/2/call-next"), headers=clerk).raise_for_status()
    httpx.post(live_server.api("/counters/3/alarm"), json={"note": "Hilfe"}, headers=clerk).raise_for_status()
    httpx.post(live_server.api("/sites/demo/devices/status"), headers=live_server.kiosk_headers,
               json={"component": "printer", "state": "paper_out"}).raise_for_status()

    def log_in(page: Page) -> None:
        page.locator("#username").fill("super1")
        page.locator("#password").fill("demo")
        page.locator("#login-form button").click()
        expect(page.locator("#alarms li")).to_have_count(1)
        expect(page.locator('[data-component="printer"]')).to_be_visible()
        expect(page.locator('#charts img[data-chart="staffing"]')).to_be_visible()

    assert audit(browser, f"{live_server.url}/supervisor/demo", log_in) == []
