"""Status page: time from a clerk's call-next to the citizen's page showing it, and page weight.

Run: .venv/bin/python bench/status_page_latency.py [--calls 30]
Position: finish + call-next at a counter (two requests) until the page's "people ahead" shows the new count.
Called: calling the page's own ticket until the large "It's your turn" panel is visible.
Weight: bytes the first visit transfers (navigation + resources, from the Performance API).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from tests.status_page.office import Office
from tests.support.browser import CHROMIUM_ARGS
from tests.support.live_server import run_live_server

COUNTERS = ("2", "3", "4", "5")


def summary(samples: list[float]) -> str:
    """Median, 95th percentile and maximum in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def first_visit_bytes(page: Page) -> int:
    """Transferred bytes of the document and everything it loaded."""
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                   .reduce((sum, e) => sum + e.transferSize, 0)"""
        )
    )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=30)
    calls = parser.parse_args().calls
    with tempfile.TemporaryDirectory() as folder, run_live_server(Path(folder)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        office = Office(server)
        for _ in range(calls):
            office.draw()
        mine = office.draw(language="en")
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(mine["status_url"])
        page.wait_for_function("() => document.getElementById('live').textContent === 'Updating live.'")
        print(f"first visit: {first_visit_bytes(page)} bytes transferred")

        position: list[float] = []
        after_answer: list[float] = []
        for index in range(calls):
            expected = str(calls - index - 1)
            start = time.perf_counter()
            office.call_next(COUNTERS[index % len(COUNTERS)])
            answered = time.perf_counter()
            page.wait_for_function("n => document.getElementById('ahead').textContent === n", arg=expected)
            done = time.perf_counter()
            position.append((done - start) * 1000)
            after_answer.append((done - answered) * 1000)
        print(f"finish + call-next sent to new position on the page: {summary(position)}")
        print(f"call-next answered to new position on the page: {summary(after_answer)}")

        start = time.perf_counter()
        office.call("2", mine["number"])
        page.wait_for_function("() => !document.getElementById('called').hidden")
        print(f"call to 'It's your turn' on the page: {(time.perf_counter() - start) * 1000:.1f} ms")
        browser.close()


if __name__ == "__main__":
    main()
