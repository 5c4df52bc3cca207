"""The browser display fits every common screen with one to six languages, in headless Chromium.

The demo office's seven services and six earlier calls are all on screen, nothing leaves the
viewport or is clipped by its panel, the number keeps the legibility rule, and the offline mark
covers no row.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.display_page.calls import Office
from tests.support.live_server import LiveServer

SIZES = [(1280, 720), (1366, 768), (1920, 1080), (3840, 2160), (1080, 1920)]
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru")
# Screenshots for people to look at; AUFRUF_SCREENS chooses where they go.
SCREENS = Path(os.environ.get("AUFRUF_SCREENS") or tempfile.gettempdir()) / "aufruf-screens"

MEASURE = """() => {
  const vw = innerWidth, vh = innerHeight;
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => el.offsetParent !== null && !el.closest("[hidden]");
  const out = { outside: [], clipped: [], overlaps: [] };
  for (const el of document.querySelectorAll(".screen *")) {
    // The ticker line scrolls its text through by design; the sound button shows only when muted.
    if (!shown(el) || el.id === "sound-off" || el.closest(".ticker")) continue;
    const r = box(el);
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      out.outside.push(`${el.tagName}.${el.className} ${Math.round(r.right)}x${Math.round(r.bottom)}`);
    }
    // Text cut by its own box (a nowrap line) or rows cut by their panel.
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible") {
      out.clipped.push(`${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
    }
  }
  const rows = [...document.querySelectorAll("#lines li, #recent-list li")];
  for (const row of rows) {
    const panel = row.closest(".recent, .lines").getBoundingClientRect(), r = box(row);
    if (r.bottom > panel.bottom + 1 || r.bottom > vh + 1) out.clipped.push(`row ${row.textContent.slice(0, 20)}`);
  }
  const mark = document.getElementById("offline");
  if (shown(mark)) {
    const m = box(mark);
    for (const row of [...rows, document.getElementById("current-call")]) {
      const r = box(row);
      const hit = m.left < r.right && r.left < m.right && m.top < r.bottom && r.top < m.bottom;
      if (hit) out.overlaps.push(row.textContent.slice(0, 20));
    }
  }
  const number = document.getElementById("current-number");
  out.fontPx = parseFloat(getComputedStyle(number).fontSize);
  out.minFontPx = parseFloat(document.getElementById("current-call").dataset.minFontPx);
  out.lines = document.querySelectorAll("#lines li").length;
  out.recent = document.querySelectorAll("#recent-list li").length;
  return out;
}"""


def fill_the_screen(server: LiveServer) -> None:
    """Seven calls to seven counters; the last of them is the big one, six are earlier calls."""
    office = Office(server)
    plan = [("fuehrungszeugnis", "1"), ("anmeldung", "2"), ("ausweis", "3"), ("ausweis", "4"),
            ("anmeldung", "5"), ("kfz", "6"), ("standesamt", "8")]
    for service, counter in plan:
        office.draw(service, language="uk")
        office.call_next(counter)
    for service in ("anmeldung", "ausweis", "kfz", "abholung", "meldebescheinigung"):
        office.draw(service)


def test_every_screen_and_language_count_fits(live_server: LiveServer, page: Page) -> None:
    fill_the_screen(live_server)
    problems = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for count in range(1, 7):
            languages = ",".join(LANGUAGES[:count])
            page.goto(f"{live_server.url}/display/demo?sound=off&languages={languages}&ticker=Heute%20bis%2018%20Uhr")
            expect(page.locator("body")).to_have_attribute("data-online", "true", timeout=5000)
            expect(page.locator("#recent-list li")).to_have_count(6)
            page.evaluate("document.getElementById('offline').hidden = false; window.aufrufDisplay.fit()")
            found = page.evaluate(MEASURE)
            where = f"{width}x{height} {count} languages"
            if found["lines"] != 7 or found["recent"] != 6:
                problems.append(f"{where}: {found['lines']} lines, {found['recent']} recent")
            for kind in ("outside", "clipped", "overlaps"):
                if found[kind]:
                    problems.append(f"{where} {kind}: {found[kind][:3]}")
            if found["fontPx"] < found["minFontPx"] - 0.5:
                problems.append(f"{where}: number {found['fontPx']} px under the rule's {found['minFontPx']}")
            if (width, height, count) == (1280, 720, 6):
                SCREENS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENS / "browser-1280x720-six-languages.png"))
    assert problems == []


def test_arabic_first_puts_the_office_name_right_and_the_clock_left(live_server: LiveServer, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/display/demo?sound=off&languages=ar,de,en,tr,uk,ru")
    expect(page.locator("body")).to_have_attribute("data-online", "true", timeout=5000)
    name = page.locator("#site-name").bounding_box()
    clock = page.locator("#clock").bounding_box()
    assert name is not None and clock is not None
    assert 1280 - (name["x"] + name["width"]) < 64 and clock["x"] < 64
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "browser-1280x720-arabic-first.png"))
