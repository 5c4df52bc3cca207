"""'You can step out until HH:MM': from the range's low end, on the server's clock, following the range."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, expect

from server.clock import ManualClock
from tests.status_page.office import Office
from tests.support.live_server import LiveServer, run_live_server

# 09:00 UTC is 10:00 in Berlin on this day: the page must print the office's local time, not UTC.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[LiveServer, ManualClock]]:
    """The demo office on a clock the test sets, far from the browser's own."""
    clock = ManualClock(START)
    with run_live_server(tmp_path, clock=clock) as server:
        yield server, clock


def low_end(server: LiveServer, token: str) -> int:
    """The low end of the ticket's range as the API reports it."""
    response = httpx.get(server.api(f"/tickets/{token}"), timeout=30)
    response.raise_for_status()
    return int(response.json()["eta_minutes"][0])


def local_clock(minutes: int) -> str:
    """HH:MM in Berlin, `minutes` after the start."""
    return (START + timedelta(minutes=minutes)).astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")


def test_step_out_time_follows_the_low_end_of_the_range(
    browser: Browser, clocked: tuple[LiveServer, ManualClock]
) -> None:
    """Rendered by the server, then redrawn by the script when calls move the range."""
    server, _ = clocked
    office = Office(server)
    for counter in ("2", "3", "4"):
        office.open_counter(counter)
    for _ in range(14):
        office.draw()
    mine = office.draw(language="en")
    office.settled()  # the range recomputed with the opened counters and this ticket in line
    first = low_end(server, mine["token"])
    assert first >= 5, "the line must be long enough to step out"

    rendered = httpx.get(mine["status_url"], timeout=30).text  # the first render may be slow on a loaded machine
    assert f"You can step out until {local_clock(first)};" in rendered

    page = browser.new_page()
    page.goto(mine["status_url"])
    page.wait_for_function("() => window.aufrufStatus !== undefined")
    step_out = page.locator("#step-out")
    expect(step_out).to_have_text(f"You can step out until {local_clock(first)}; this page calls you back in time.")

    for counter in ("2", "3", "4", "2", "3", "4"):
        office.call_next(counter)
    office.settled()
    assert low_end(server, mine["token"]) < first, "six calls must move the range"
    # The page redraws its range from the line's events; the step-out time follows the range it shows.
    shown = page.locator("#wait")
    page.wait_for_function(f"() => !document.getElementById('wait').textContent.startsWith('{first}–')")
    later = int(shown.inner_text().split("–")[0])
    assert later < first
    if later >= 5:
        expect(step_out).to_have_text(f"You can step out until {local_clock(later)}; this page calls you back in time.")
    else:
        expect(step_out).to_be_hidden()
    page.close()


def test_no_step_out_when_the_turn_is_close(clocked: tuple[LiveServer, ManualClock]) -> None:
    """A ticket at the front of an empty line gets no step-out advice; German speaks of 'Uhr'."""
    server, _ = clocked
    office = Office(server)
    office.open_counter("2")
    mine = office.draw(language="de")
    office.settled()
    assert low_end(server, mine["token"]) < 5
    page = httpx.get(mine["status_url"]).text
    assert '<p id="step-out" class="step-out" hidden></p>' in page
    for _ in range(14):
        office.draw()
    behind = office.draw(language="de")
    office.settled()
    assert f"Sie können bis {local_clock(low_end(server, behind['token']))} Uhr hinausgehen" in httpx.get(
        behind["status_url"]
    ).text
