"""Fixtures for kiosk tests: a core and window against the live demo server, sim printer in tmp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from client.api import ApiClient
from client.qt import StreamBridge, stream_url
from hardware import open_printer, open_scanner
from kiosk_app.core import KioskCore, Timing
from kiosk_app.states import Screen
from kiosk_app.ui.window import KioskWindow
from tests.support.live_server import LiveServer

FAST = Timing(
    confirmation_seconds=30, idle_seconds=60, retry_seconds=0.3, printer_poll_seconds=0.5,
    draw_attempts=2, draw_retry_seconds=0.1,
)

KioskFactory = Callable[..., KioskCore]


@pytest.fixture
def printouts(tmp_path: Path) -> Path:
    """Where the simulated printer writes its PNGs."""
    return tmp_path / "printouts"


@pytest.fixture
def make_core(qtbot: QtBot, printouts: Path) -> Iterator[KioskCore]:
    """Build started cores against a server URL; every one is stopped after the test."""
    cores: list[KioskCore] = []

    def build(
        url: str,
        *,
        printer: str | None = None,
        scanner: str | None = None,
        timing: Timing = FAST,
        wait_ready: bool = True,
    ) -> KioskCore:
        core = KioskCore(
            ApiClient(url, token="demo-kiosk", timeout=2.0),
            site="demo",
            printer=open_printer(printer or f"sim://{printouts}"),
            make_scanner=(lambda on_scan: open_scanner(scanner, on_scan)) if scanner else None,
            events=StreamBridge(stream_url(url, "/ws/sites/demo/display")),
            header="Bürgeramt Test",
            timing=timing,
        )
        cores.append(core)
        core.start()
        if wait_ready:
            qtbot.waitUntil(lambda: core.screen is Screen.WELCOME and bool(core.services), timeout=10_000)
        return core

    yield build  # type: ignore[misc]
    for core in cores:
        core.stop()
        # Qt, not Python's garbage collector, deletes the core once its queued answers are in.
        with qtbot.waitSignal(core.destroyed, timeout=5_000):
            core.deleteLater()


@pytest.fixture
def kiosk(live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot) -> KioskWindow:
    """A kiosk window on the demo server with counters 1 and 3 open, ready on its welcome screen."""
    # Open counters, so tickets show a wait range instead of "not served at the moment".
    clerk = live_server.clerk_headers()
    for counter in ("1", "3"):
        httpx.post(live_server.api(f"/counters/{counter}/resume"), headers=clerk).raise_for_status()
    core = make_core(live_server.url)
    window = KioskWindow(core, touch_px=48)
    qtbot.addWidget(window)
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)
    return window
