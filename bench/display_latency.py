"""Call-to-render latency of both displays: from sending call-next to the number on screen.

Run: .venv/bin/python bench/display_latency.py [--calls 50]
Qt: time until the big number label has painted the new number (offscreen).
Browser: time until headless Chromium's display put the number into the page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.display_page.calls import Office
from tests.support.live_server import LiveServer, run_live_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def percentiles(samples: list[float]) -> str:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p99 {p99:6.1f} ms   (n={len(ordered)})"


def timed_call(office: Office, counter: str) -> tuple[str, float]:
    """Draw and call one ticket; the wall-clock time just before call-next was sent."""
    office.draw()
    httpx.post(office.server.api(f"/counters/{counter}/finish"), headers=office.clerk)
    started = time.time()
    response = httpx.post(office.server.api(f"/counters/{counter}/call-next"), headers=office.clerk)
    response.raise_for_status()
    return str(response.json()["number"]), started


def bench_qt(server: LiveServer, calls: int) -> list[float]:
    """Latency to the Qt display's paint of the number."""
    from PySide6.QtWidgets import QApplication

    from display_app.app import build
    from display_app.core.announcements import Rendered
    from display_app.core.config import DisplayConfig

    application = QApplication.instance() or QApplication([])
    config = DisplayConfig(server=server.url, site="demo", diagonal_inches=55, flash_seconds=0)
    controller, window, bridge = build(config, audio="none")
    controller.render = lambda _announcement: Rendered([], 0)  # measure the screen, not espeak-ng
    window.resize(1920, 1080)
    window.show()
    painted: dict[str, float] = {}
    window.number.painted.connect(lambda text: painted.setdefault(text, time.time()))
    bridge.start()
    deadline = time.time() + 10
    while not controller.online and time.time() < deadline:
        application.processEvents()
    office = Office(server)
    samples = []
    for index in range(calls):
        number, started = timed_call(office, str(index % 5 + 1))
        deadline = time.time() + 5
        while number not in painted and time.time() < deadline:
            application.processEvents()
        samples.append((painted[number] - started) * 1000)
    bridge.stop()
    window.close()
    return samples


def bench_browser(server: LiveServer, calls: int) -> list[float]:
    """Latency to the browser display's DOM update (Date.now() when the call was rendered)."""
    from playwright.sync_api import sync_playwright

    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{server.url}/display/demo?sound=off&flash=0")
        page.wait_for_selector("body[data-online=true]")
        office = Office(server)
        for index in range(calls):
            number, started = timed_call(office, str(index % 5 + 1))
            handle = page.wait_for_function(
                "n => window.aufrufDisplay.renders.find(r => r.number === n)", arg=number, timeout=5000
            )
            samples.append(handle.json_value()["at"] - started * 1000)
        browser.close()
    return samples


def main() -> None:
    """Run both benchmarks against a fresh demo server on loopback."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, run_live_server(Path(tmp)) as server:
        print(f"Qt display      {percentiles(bench_qt(server, args.calls))}")
        print(f"browser display {percentiles(bench_browser(server, args.calls))}")


if __name__ == "__main__":
    main()
