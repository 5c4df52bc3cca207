"""An axe-core audit (shipped in a Python wheel, injected locally) of the status page in its main states."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.status_page.office import Office
from tests.support.axe import AXE
from tests.support.live_server import LiveServer

# WCAG 2.0-2.2 A and AA, plus the AAA contrast rule the page promises.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "rules": {"color-contrast-enhanced": {"enabled": True}},
}


def audit(browser: Browser, url: str, *, expected_status: int = 200, after: Any = None) -> list[dict[str, Any]]:
    """Open a URL, optionally act, run axe and return its violations."""
    assert AXE.exists(), "axe-core is missing: run scripts/setup"
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    # An init script is injected by the browser itself, so the page's CSP still forbids inline code.
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == expected_status
        if after is not None:
            after(page)
        violations: list[dict[str, Any]] = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)[
            "violations"
        ]
        return violations
    finally:
        context.close()


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """Violations that matter: serious or critical ones, and any AAA contrast failure."""
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical") or v["id"] == "color-contrast-enhanced"
    ]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_waiting_page_passes_axe(browser: Browser, office: Office, language: str) -> None:
    """The waiting state, German and Arabic, with the cancel confirmation open."""
    mine = office.draw(language=language)

    def open_confirmation(page: Any) -> None:
        # The script must have started (its click handler bound); #live holds <noscript> text before that.
        page.wait_for_function("() => window.aufrufStatus !== undefined")
        page.locator("#cancel-link").click()
        expect(page.locator("#cancel-confirm")).to_be_visible()

    assert serious(audit(browser, mine["status_url"], after=open_confirmation)) == []


def test_called_page_passes_axe(browser: Browser, office: Office) -> None:
    """The called state with its large counter panel."""
    mine = office.draw(language="en")
    office.call("3", mine["number"])
    assert serious(audit(browser, mine["status_url"])) == []


def test_not_found_page_passes_axe(browser: Browser, live_server: LiveServer) -> None:
    """The friendly 404 page."""
    assert serious(audit(browser, f"{live_server.url}/t/unknown-token", expected_status=404)) == []
