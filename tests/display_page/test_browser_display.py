"""The browser display in headless Chromium against a live server."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from server.clock import ManualClock
from tests.display_page.calls import Office
from tests.support.live_server import LiveServer, free_port, run_live_server


def open_display(page: Page, server: LiveServer, query: str = "") -> None:
    """Load the display and wait until its first snapshot arrived."""
    page.goto(f"{server.url}/display/demo{query}")
    expect(page.locator("body")).to_have_attribute("data-online", "true", timeout=5000)


def test_call_appears_within_a_second(live_server: LiveServer, page: Page, tmp_path: Path) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?sound=off")
    number = office.draw()
    office.call_next("3")
    expect(page.locator("#current-number")).to_have_text(number, timeout=1000)
    expect(page.locator("#current-counter")).to_have_text("3", timeout=1000)
    expect(page.locator("#current")).to_have_class("current fresh")
    page.screenshot(path=str(tmp_path / "browser-1080p.png"))
    # No third-party requests: everything comes from the ticket server.
    assert all(url.startswith((live_server.url, "data:")) for url in page.requested), page.requested  # type: ignore[attr-defined]


def test_several_calls_in_one_second_are_shown_and_announced_in_order(live_server: LiveServer, page: Page) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?languages=de&recent=4")
    numbers = [office.draw() for _ in range(3)]
    called = [office.call_next(counter)["number"] for counter in ("1", "2", "3")]
    assert called == numbers
    expect(page.locator("#current-number")).to_have_text(numbers[-1], timeout=1000)
    expect(page.locator("#recent-list .number")).to_have_text([numbers[1], numbers[0]])
    page.wait_for_function("() => window.aufrufDisplay.queue.done.length >= 3", timeout=60000)
    announced = page.evaluate("window.aufrufDisplay.announced")
    assert [(a["number"], a["counter"]) for a in announced] == list(zip(numbers, ("1", "2", "3"), strict=True))
    assert [a["outcome"] for a in announced] == ["ended"] * 3
    # Each announcement started only after the one before had ended: nothing was cut off.
    # Calls that came together share one catch-up announcement.
    for before, after in itertools.pairwise(announced):
        if after["url"] != before["url"]:
            assert after["startedAt"] >= before["endedAt"]
        else:
            assert "/catch-up.wav?" in after["url"]


def test_a_call_is_spoken_in_german_and_its_ticket_language_and_a_recall_as_a_recall(
    live_server: LiveServer, page: Page
) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?languages=de,en,tr,ar,uk,ru")
    number = office.draw(language="uk")
    office.call_next("2")
    page.wait_for_function("() => window.aufrufDisplay.queue.done.length >= 1", timeout=30000)
    first = page.evaluate("window.aufrufDisplay.announced")[0]
    assert first["number"] == number and first["url"].endswith(f"/audio/{number}/2.wav?languages=de,uk")
    office.recall("2")
    page.wait_for_function("() => window.aufrufDisplay.queue.done.length >= 2", timeout=30000)
    again = page.evaluate("window.aufrufDisplay.announced")[1]
    assert again["url"].endswith("languages=de,uk&recall=1") and again["outcome"] == "ended"
    # The big panel says it is a recall, in the display's languages.
    expect(page.locator("#current")).to_have_class(re.compile(r"\brecall\b"))
    expect(page.locator("#current-recall")).to_contain_text("Erneuter Aufruf")


def test_fixed_languages_are_spoken_whatever_the_ticket_says(live_server: LiveServer, page: Page) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?languages=de,en&announce=de,en")
    number = office.draw(language="ar")
    office.call_next("2")
    page.wait_for_function("() => window.aufrufDisplay.queue.done.length >= 1", timeout=30000)
    assert page.evaluate("window.aufrufDisplay.announced")[0]["url"].endswith(f"{number}/2.wav?languages=de,en")


def test_filters_show_only_chosen_services_and_counters(live_server: LiveServer, page: Page) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?sound=off&services=kfz&counters=6")
    kfz = office.draw("kfz")
    office.draw("anmeldung")
    office.call_next("1")
    office.call_next("6")
    expect(page.locator("#current-number")).to_have_text(kfz, timeout=1000)
    expect(page.locator("#recent-list li")).to_have_count(0)
    expect(page.locator("#lines li")).to_have_count(1)
    expect(page.locator("#lines li")).to_have_attribute("data-service", "kfz")


def test_restart_is_survived_without_a_stale_or_lost_call(page: Page, tmp_path: Path) -> None:
    port = free_port()
    with run_live_server(tmp_path, port=port) as server:
        office = Office(server)
        open_display(page, server, "?sound=off")
        first = office.draw()
        office.call_next("2")
        expect(page.locator("#current-number")).to_have_text(first, timeout=1000)
    expect(page.locator("#offline")).to_be_visible(timeout=5000)
    with run_live_server(tmp_path, port=port) as server:
        expect(page.locator("#offline")).to_be_hidden(timeout=15000)
        # The call from before the restart is still shown, but the snapshot did not announce it again.
        expect(page.locator("#current-number")).to_have_text(first)
        assert [a["number"] for a in page.evaluate("window.aufrufDisplay.announced")] == [first]
        office = Office(server)
        second = office.draw()
        office.call_next("4")
        expect(page.locator("#current-number")).to_have_text(second, timeout=1000)
        expect(page.locator("#recent-list .number").first).to_have_text(first)
        # Announced after a short wait for other calls of the same moment.
        page.wait_for_function("() => window.aufrufDisplay.announced.length >= 2", timeout=5000)
        assert [a["number"] for a in page.evaluate("window.aufrufDisplay.announced")] == [first, second]


def contrast_of_visible_text(page: Page) -> list[dict[str, object]]:
    """WCAG contrast of every visible text element against its effective background."""
    return list(page.evaluate("""() => {
      const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out = [];
      for (const el of document.querySelectorAll("body *")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.offsetParent || el.closest("[hidden]")) continue;
        const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        out.push({ text: el.textContent.trim().slice(0, 30), ratio });
      }
      return out;
    }"""))


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080), (3840, 2160)])
def test_layout_scales_and_keeps_contrast(
    live_server: LiveServer, page: Page, tmp_path: Path, width: int, height: int
) -> None:
    office = Office(live_server)
    page.set_viewport_size({"width": width, "height": height})
    open_display(page, live_server, "?sound=off&distance=6&diagonal=55&ticker=Heute%20bis%2018%20Uhr")
    number = office.draw()
    office.call_next("5")
    expect(page.locator("#current-number")).to_have_text(number, timeout=1000)
    page.screenshot(path=str(tmp_path / f"browser-{height}p.png"))
    # 12 mm per metre at 6 m on a 55-inch screen, as cap height of the number's font.
    min_font = float(page.locator("#current-call").get_attribute("data-min-font-px") or 0)
    px_per_mm = (width**2 + height**2) ** 0.5 / (55 * 25.4)
    assert min_font == pytest.approx(72 * px_per_mm / 0.62, rel=0.01)
    font_px = float(page.locator("#current-number").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert font_px >= min_font
    box = page.locator("#current-call").bounding_box()
    assert box is not None and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    for phase in ("flash on", "flash off"):
        measured = contrast_of_visible_text(page)
        assert len(measured) > 20
        low = [c for c in measured if float(c["ratio"]) < 7]  # type: ignore[arg-type]
        assert not low, (phase, low)
        page.evaluate("document.getElementById('current').classList.toggle('fresh')")


def test_right_to_left_only_when_arabic_leads(live_server: LiveServer, page: Page) -> None:
    open_display(page, live_server, "?sound=off&languages=ar,de")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".current-labels .label").first.locator(".primary")).to_have_text("الرقم")
    open_display(page, live_server, "?sound=off&languages=de,ar")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    arabic = page.locator(".current-labels .label").first.locator(".secondary [lang=ar]")
    expect(arabic).to_have_attribute("dir", "rtl")


def test_every_language_is_tagged_with_its_own_code(live_server: LiveServer, page: Page) -> None:
    open_display(page, live_server, "?sound=off&languages=de,en,tr,ar,uk,ru")
    head = page.locator(".current-labels .label").first
    expect(head.locator(".primary")).to_have_attribute("lang", "de")
    tagged = head.locator(".secondary [lang]")
    # Ukrainian and Russian both say "Номер": the word is shown once.
    expect(tagged).to_have_count(4)
    codes = [tagged.nth(i).get_attribute("lang") for i in range(4)]
    texts = [tagged.nth(i).inner_text() for i in range(4)]
    assert codes == ["en", "tr", "ar", "uk"]
    assert texts == ["Number", "Numara", "الرقم", "Номер"]
    services = page.locator("#lines li .service-name").first.locator(".secondary [lang]")
    expect(services.first).to_have_attribute("lang", "en")


def test_an_undone_call_leaves_the_screen(live_server: LiveServer, page: Page) -> None:
    office = Office(live_server)
    open_display(page, live_server, "?sound=off")
    first, second = office.draw(), office.draw()
    office.call_next("2")
    office.call_next("3")
    expect(page.locator("#current-number")).to_have_text(second, timeout=1000)
    undone = httpx.post(live_server.api("/counters/3/undo-call"), headers=office.clerk)
    assert undone.status_code == 200, undone.text
    expect(page.locator("#current-number")).to_have_text(first, timeout=1000)


def test_calls_missed_while_reconnecting_are_announced_in_order_and_older_ones_shown_silently(
    page: Page, tmp_path: Path
) -> None:
    clock = ManualClock(datetime.now(UTC))
    blocked = {"now": False}
    routes: list[WebSocketRoute] = []

    def route(socket: WebSocketRoute) -> None:
        if blocked["now"]:
            socket.close(code=1013, reason="network down")
            return
        socket.connect_to_server()
        routes.append(socket)

    page.route_web_socket(re.compile(r"/ws/sites/demo/display"), route)
    with run_live_server(tmp_path, clock=clock) as server:
        office = Office(server)
        open_display(page, server, "?sound=off")
        numbers = [office.draw() for _ in range(4)]
        blocked["now"] = True  # the screen's network drops; the office goes on calling
        for socket in routes:
            socket.close(code=1013, reason="network down")
        expect(page.locator("#offline")).to_be_visible(timeout=5000)
        office.call_next("1")
        clock.advance(timedelta(minutes=2))  # older than the 60 s default by the time the screen is back
        for counter in ("2", "3", "4"):
            office.call_next(counter)
            clock.advance(timedelta(seconds=1))
        blocked["now"] = False
        expect(page.locator("#offline")).to_be_hidden(timeout=20000)
        page.wait_for_function("() => window.aufrufDisplay.announced.length >= 3", timeout=5000)
        announced = page.evaluate("window.aufrufDisplay.announced")
        assert [a["number"] for a in announced] == numbers[1:]
        expect(page.locator("#current-number")).to_have_text(numbers[3])
        expect(page.locator("#recent-list .number")).to_have_text(numbers[2::-1])
