"""The join page in Chromium: pick a matter, solve the puzzle, get a number; the status page follows it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.support.live_server import LiveServer


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized browser with its own cookies."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context
    context.close()


def test_pick_a_matter_get_a_number_and_follow_it(phone: BrowserContext, remote_server: LiveServer) -> None:
    page = phone.new_page()
    page.goto(f"{remote_server.url}/join/demo?lang=de")
    expect(page.locator("h1")).to_have_text("Ohne Kiosk anstellen")
    page.get_by_label("Personalausweis / Reisepass").check()
    page.get_by_role("button", name="Nummer ziehen").click()
    page.wait_for_url(re.compile(r"/join/demo/ticket/"), timeout=20_000)
    number = page.locator("#number").inner_text()
    assert re.fullmatch(r"P\d{3}", number), number
    code = page.locator("#code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{3}-[2-9A-Z]{3}", code), code
    expect(page.locator(".qr svg")).to_be_visible()
    # The kiosk checks the shown code in; the page then says so.
    checked = httpx.post(remote_server.api("/sites/demo/remote-join/check-in"), json={"code": code},
                         headers=remote_server.kiosk_headers)
    assert checked.status_code == 200, checked.text
    page.reload()
    expect(page.locator("#checked-in")).to_have_text("Sie sind angemeldet. Bitte warten Sie auf Ihren Aufruf.")
    page.get_by_role("link", name="Nummer verfolgen").click()
    page.wait_for_url(re.compile(r"/t/"))
    expect(page.locator("#number")).to_have_text(number)
    # A clerk calls it: the status page follows by itself.
    called = httpx.post(remote_server.api("/counters/2/call-next"), headers=remote_server.clerk_headers())
    assert called.status_code == 200 and called.json()["number"] == number
    expect(page.locator("body")).to_contain_text("Schalter", timeout=20_000)


def test_arabic_right_to_left_and_a_translated_refusal(phone: BrowserContext, remote_server: LiveServer) -> None:
    page = phone.new_page()
    for _ in range(2):
        page.goto(f"{remote_server.url}/join/demo?lang=ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.get_by_role("button", name="احصل على رقم").click()
        page.wait_for_url(re.compile(r"/join/demo/ticket/"), timeout=20_000)
        expect(page.locator("h1")).to_have_text("رقمك")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # A third number from the same phone today: refused, with the reason in Arabic.
    page.goto(f"{remote_server.url}/join/demo?lang=ar")
    page.get_by_role("button", name="احصل على رقم").click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("سحب هذا الهاتف ما يكفي من الأرقام اليوم. يرجى استخدام الكشك.", timeout=20_000)
    expect(page.get_by_role("button", name="احصل على رقم")).to_be_enabled()
