"""The supervisor page's "Sign in with …" in headless Chromium, through the real provider's login form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.live_server import LiveServer


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab that trusts the provider's self-signed test certificate."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    yield context.new_page()
    context.close()


def _sign_in(page: Page, server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{server.url}/supervisor/demo?lang=en")
    page.get_by_role("button", name="Sign in with Stadt-Login").click()
    page.wait_for_url("https://127.0.0.1:*/authorize?*")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("#submit").click()


def test_supervisor_signs_in_through_the_provider(page: Page, sso_server: LiveServer) -> None:
    _sign_in(page, sso_server, "petra", "Petra-pass-2026")
    page.wait_for_url(f"{sso_server.url}/supervisor/demo?lang=en")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#logout")).to_be_visible()
    token = page.evaluate("sessionStorage.getItem('aufruf.supervisor.demo')")
    assert token and token.count(".") == 2
    # The code and state never stay in the address bar or in storage.
    assert "code=" not in page.url
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('aufruf.sso.'))") == []


def test_clerk_from_the_provider_is_turned_away(page: Page, sso_server: LiveServer) -> None:
    _sign_in(page, sso_server, "olga", "Olga-pass-2026")
    expect(page.locator("#login-error")).to_have_text(
        "This account is not a supervisor. Please log in with a supervisor account."
    )
    expect(page.locator("#app")).to_be_hidden()


def test_person_in_no_staff_group_sees_why(page: Page, sso_server: LiveServer) -> None:
    _sign_in(page, sso_server, "gast", "Gast-pass-2026")
    expect(page.locator("#status")).to_contain_text("none of the groups that Aufruf maps")
    expect(page.locator("#back")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('aufruf.supervisor.demo')") is None


def test_directory_supervisor_uses_the_password_form(page: Page, sso_server: LiveServer) -> None:
    page.goto(f"{sso_server.url}/supervisor/demo?lang=en")
    page.get_by_label("User name").fill("sven")
    page.get_by_label("Password").fill("Sven-pass-2026")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.locator("#app")).to_be_visible()
