"""The browser display's spoken calls in headless Chromium: a burst of eight counters, each heard in time.

The page really plays the server's WAV files (Chromium's media stack, autoplay allowed); when each
call's own words begin is the moment playback started plus the offset the server measured in
the file it rendered. Shown is the moment the page drew the call.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Page, expect

from tests.display_page.calls import Office
from tests.support.live_server import LiveServer

LIMIT_MS = 5000
# Counters of the demo office and a service each serves; citizens who chose six languages.
COUNTERS = {
    "1": "anmeldung", "2": "anmeldung", "3": "anmeldung", "4": "anmeldung",
    "5": "anmeldung", "6": "kfz", "7": "kfz", "8": "standesamt",
}
LANGUAGES = ["de", "en", "tr", "ar", "uk", "ru", "en", "tr"]


def lags(page: Page, count: int) -> dict[str, float]:
    """Wait until `count` calls were announced; ms from showing each call to its own words."""
    page.wait_for_function(f"() => window.aufrufDisplay.queue.done.length >= {count}", timeout=90000)
    announced = page.evaluate("window.aufrufDisplay.announced")
    renders = page.evaluate("window.aufrufDisplay.renders")
    outcomes = [(a["number"], a.get("outcome"), a.get("error")) for a in announced]
    assert all(outcome == "ended" for _n, outcome, _e in outcomes), outcomes
    shown = {r["number"]: r["at"] for r in renders if "number" in r}
    return {a["number"]: a["spokenAt"] - shown[a["number"]] for a in announced}


def test_a_burst_of_eight_counters_is_merged_and_every_call_is_spoken_within_five_seconds(
    live_server: LiveServer, page: Page
) -> None:
    office = Office(live_server)
    page.goto(f"{live_server.url}/display/demo?languages=de,en")
    expect(page.locator("body")).to_have_attribute("data-online", "true", timeout=5000)
    for (_counter, service), language in zip(COUNTERS.items(), LANGUAGES, strict=True):
        office.draw(service, language)
    # Eight clerks press "next" at the same moment.
    with ThreadPoolExecutor(max_workers=8) as pool:
        called = list(pool.map(lambda counter: office.call_next(counter)["number"], COUNTERS))
    heard = lags(page, len(called))
    print(f"\nbrowser, burst of 8: {', '.join(f'{n} {v / 1000:.2f}' for n, v in heard.items())} s")
    assert sorted(heard) == sorted(called)  # each call spoken once
    assert max(heard.values()) <= LIMIT_MS, heard
    urls = [a["url"] for a in page.evaluate("window.aufrufDisplay.announced")]
    # Merged: far fewer announcements than calls, the catch-up ones in the short form, in time.
    assert len(set(urls)) <= 3, urls
    assert any("/catch-up.wav?" in url and "within=" in url for url in urls)


def test_calls_during_a_lone_calls_gong_take_it_over_and_a_recall_is_heard_in_time(
    live_server: LiveServer, page: Page
) -> None:
    office = Office(live_server)
    page.goto(f"{live_server.url}/display/demo?languages=de,en")
    expect(page.locator("body")).to_have_attribute("data-online", "true", timeout=5000)
    office.draw("anmeldung", "tr")
    office.draw("anmeldung", "uk")
    first = office.call_next("1")["number"]
    # The lone call's gong has begun: the next call comes while it rings.
    page.wait_for_function("() => window.aufrufDisplay.announced.some((a) => a.startedAt)", timeout=10000)
    second = office.call_next("2")["number"]
    office.recall("1")
    heard = lags(page, 3)
    print(f"\nbrowser, call during a gong and a recall: {heard}")
    assert set(heard) == {first, second}
    assert max(heard.values()) <= LIMIT_MS, heard
    announced = page.evaluate("window.aufrufDisplay.announced")
    # The first call was not spoken alone in two languages: it led the catch-up after its gong.
    assert "/catch-up.wav?" in announced[0]["url"] and "chime=false" in announced[0]["url"]
