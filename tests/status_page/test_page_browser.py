"""The status page in headless Chromium: live updates, alerts, cancelling, languages."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, WebSocketRoute, expect

from tests.status_page.office import Office
from tests.support.live_server import LiveServer


def open_page(phone: BrowserContext, url: str) -> Page:
    """Open a status page and wait until its websocket is live."""
    page = phone.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200
    # #live holds <noscript> text until the script has started, so wait for the script itself.
    page.wait_for_function("() => window.aufrufStatus !== undefined")
    expect(page.locator("#live")).to_have_text(re.compile(r"\S"))
    return page


def test_people_ahead_and_wait_follow_the_line_live(phone: BrowserContext, office: Office) -> None:
    """Each call at a counter moves the page's count down without a reload."""
    for _ in range(5):
        office.draw()
    mine = office.draw(language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#ahead")).to_have_text("5")
    expect(page.locator("#live")).to_have_text("Updating live.")
    before = page.locator("#wait").inner_text()

    office.call_next("2")
    expect(page.locator("#ahead")).to_have_text("4")
    office.call_next("3")
    expect(page.locator("#ahead")).to_have_text("3")
    assert page.locator("#wait").inner_text() != before
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1, "the page never reloaded"


def test_called_shows_the_counter_in_large_type_and_alerts(phone: BrowserContext, office: Office) -> None:
    """Near the turn and when called the page alerts: banner, notification, and the counter shown big."""
    for _ in range(4):
        office.draw()
    mine = office.draw(language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#ahead")).to_have_text("4")
    assert page.evaluate("window.__notifications.length") == 0

    office.call_next("2")  # 3 ahead: the demo office alerts at 3
    expect(page.locator("#announce")).to_contain_text("Almost your turn")
    notes = page.evaluate("window.__notifications")
    assert notes == [
        {"title": f"{mine['number']}: Almost your turn", "body": "Please come back to the waiting area now."}
    ]

    office.call("3", mine["number"])
    called = page.locator("#called")
    expect(called).to_be_visible()
    expect(called).to_contain_text("It's your turn")
    expect(page.locator("#called-counter")).to_have_text("Counter 3")
    assert float(page.locator("#called-counter").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    expect(page.locator("#row-ahead")).to_be_hidden()
    page.wait_for_function("() => window.__notifications.length === 2")
    assert page.evaluate("window.__notifications[1]") == {
        "title": f"{mine['number']}: It's your turn", "body": "Counter 3",
    }
    assert page.evaluate("document.documentElement.dataset.alerts") == "near called"


def test_a_lost_event_triggers_a_resync(phone: BrowserContext, office: Office, live_server: LiveServer) -> None:
    """When a relayed event goes missing, the page asks for a snapshot and still ends up right."""
    for _ in range(3):
        office.draw()
    mine = office.draw(language="en")
    sent_by_page: list[str] = []

    def relay(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        dropped: list[str] = []

        def from_server(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            # Drop the first event after the snapshot: the page sees a gap in seq.
            if '"type":"snapshot"' not in text and not dropped:
                dropped.append(text)
                return
            ws.send(text)

        def from_page(message: str | bytes) -> None:
            sent_by_page.append(message if isinstance(message, str) else message.decode())
            server.send(message)

        server.on_message(from_server)
        ws.on_message(from_page)

    page = phone.new_page()
    page.route_web_socket(re.compile(r".*/ws/tickets/.*"), relay)
    page.goto(mine["status_url"])
    expect(page.locator("#ahead")).to_have_text("3")
    expect(page.locator("#live")).to_have_text("Updating live.")
    office.call_next("2")  # ticket.called (dropped) then queue.changed (a gap)
    expect(page.locator("#ahead")).to_have_text("2")
    assert '{"type":"resync"}' in sent_by_page


@pytest.fixture
def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll every second instead of every 15 (set before the server starts)."""
    monkeypatch.setenv("AUFRUF_STATUS_POLL_SECONDS", "1")


def test_falls_back_to_polling_without_websocket(
    fast_polling: None, phone: BrowserContext, office: Office, live_server: LiveServer
) -> None:
    """If the websocket cannot connect, the page polls the ticket API and still sees the call."""
    mine = office.draw(language="en")
    page = phone.new_page()
    page.route_web_socket(re.compile(r".*/ws/tickets/.*"), lambda ws: ws.close(code=1011))
    page.goto(mine["status_url"] + "?lang=en")
    expect(page.locator("#live")).to_have_text(re.compile("Updating every few seconds|No connection"))
    office.call("2", mine["number"])
    expect(page.locator("#called")).to_be_visible()
    expect(page.locator("#live")).to_have_text("Updating every few seconds.")


def test_cancel_asks_first_then_gives_the_ticket_up(phone: BrowserContext, office: Office) -> None:
    """'I no longer need it' asks for confirmation; 'No' keeps the ticket, 'Yes' cancels it."""
    office.draw()
    mine = office.draw(language="en")
    page = open_page(phone, mine["status_url"])

    page.get_by_role("link", name="I no longer need it").click()
    expect(page.locator("#cancel-question")).to_be_focused()
    page.get_by_role("button", name="No, keep my ticket").click()
    expect(page.locator("#cancel-confirm")).to_be_hidden()
    assert office.status(mine["token"]) == "waiting"

    page.get_by_role("link", name="I no longer need it").click()
    page.get_by_role("button", name="Yes, give up my place").click()
    expect(page.locator("#status")).to_have_text("Given up")
    expect(page.locator("#message")).to_contain_text("You gave up this ticket")
    expect(page.locator("#cancel")).to_be_hidden()
    assert office.status(mine["token"]) == "cancelled"


def test_language_defaults_to_the_kiosk_choice_and_switches_to_arabic(
    phone: BrowserContext, office: Office
) -> None:
    """The kiosk's language is the default; the switch reloads in Arabic, right to left."""
    mine = office.draw(language="uk")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator(".ticket .label")).to_have_text("Ваш номер")
    expect(page.locator("#service")).to_contain_text("Реєстрація / зміна адреси")

    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".ticket .label")).to_have_text("رقمك")
    expect(page.locator("#status")).to_have_text("في الانتظار")
    expect(page.locator("#service")).to_contain_text("تسجيل العنوان أو تغييره")
    # Right to left for real: the number block starts at the right edge.
    box = page.locator(".ticket .label").bounding_box()
    assert box is not None and box["x"] + box["width"] > 390 - 40

    office.call("4", mine["number"])
    expect(page.locator("#called-counter")).to_have_text("الشباك 4")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#called h2")).to_have_text("It's your turn")


def test_unknown_token_gets_a_friendly_404(phone: BrowserContext, live_server: LiveServer) -> None:
    """A made-up token: a 404 with a helpful text that echoes nothing back."""
    page = phone.new_page()
    response = page.goto(f"{live_server.url}/t/not-a-real-token-0123456789?lang=en")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Ticket not found")
    assert "not-a-real-token" not in page.content()


def test_page_weight_is_under_budget(phone: BrowserContext, office: Office) -> None:
    """Everything the first visit transfers (HTML, CSS, script) stays under 100 kB."""
    mine = office.draw(language="ar")
    page = open_page(phone, mine["status_url"])
    sizes = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
               .map(e => [e.name, e.transferSize])"""
    )
    total = sum(size for _, size in sizes)
    print(f"status page first visit: {total} bytes transferred in {len(sizes)} requests")
    assert len(sizes) >= 3 and all(size > 0 for _, size in sizes)
    assert total < 100_000
    origins = {httpx.URL(name).host for name, _ in sizes}
    assert origins == {"127.0.0.1"}, "no third-party requests"


def test_near_the_turn_the_page_asks_to_come_back_and_does_not_say_stay_away(
    phone: BrowserContext, office: Office
) -> None:
    for _ in range(4):
        office.draw()
    mine = office.draw(language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#message")).to_contain_text("You do not need to stay")
    office.call_next("2")  # 3 ahead: near the turn
    expect(page.locator("#announce")).to_contain_text("Almost your turn")
    expect(page.locator("#message")).to_have_text("Please come back to the waiting area now.")
    assert "need not" not in page.locator("main").inner_text() and "do not need" not in page.locator(
        "main").inner_text()
    # A fresh load near the turn says the same from the server's own rendering.
    again = open_page(phone, mine["status_url"])
    expect(again.locator("#message")).to_have_text("Please come back to the waiting area now.")


def test_called_shows_the_way_to_the_room(phone: BrowserContext, office: Office) -> None:
    mine = office.draw("standesamt", language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#called-location")).to_be_hidden()
    office.call_next("8")
    expect(page.locator("#called-location")).to_have_text("Room 110 · 1st floor · Up the stairs, then right")
    reloaded = open_page(phone, mine["status_url"] + "?lang=de")
    expect(reloaded.locator("#called-location")).to_have_text("Raum 110 · 1. OG · Treppe hoch, dann rechts")


def test_no_alerts_offered_once_the_ticket_is_over(phone: BrowserContext, office: Office) -> None:
    mine = office.draw(language="en")
    page = open_page(phone, mine["status_url"])
    expect(page.locator("#alerts")).to_be_visible()
    office.call("2", mine["number"])
    httpx.post(office.server.api("/counters/2/finish"), headers=office.clerk).raise_for_status()
    expect(page.locator("#status")).to_have_text("Done")
    expect(page.locator("#alerts")).to_be_hidden()
    later = phone.new_page()
    later.goto(mine["status_url"])
    later.wait_for_function("() => window.aufrufStatus !== undefined")
    expect(later.locator("#alerts")).to_be_hidden()


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "uk", "ru"])
def test_no_sideways_scrolling_at_double_text_size(phone: BrowserContext, office: Office, language: str) -> None:
    mine = office.draw("fuehrungszeugnis", language=language)
    page = open_page(phone, mine["status_url"])
    # 200 % text, as a phone's accessibility setting makes it.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    for state in ("waiting", "cancel"):
        if state == "cancel":
            page.locator("#cancel-link").click()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} {state}: {overflow}px wider than the screen"
