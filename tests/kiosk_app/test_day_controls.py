"""The kiosk shows a supervisor's notice until it expires, and a service closed for the day with its message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from client.api import ApiClient
from client.qt import StreamBridge, stream_url
from hardware import open_printer
from kiosk_app.core import KioskCore
from kiosk_app.states import Screen
from kiosk_app.ui.window import KioskWindow
from server.clock import ManualClock
from tests.kiosk_app.conftest import FAST
from tests.support.live_server import LiveServer, run_live_server

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NOTICE = {
    "de": "Wegen einer Störung dauert es heute länger.",
    "en": "Due to a fault it takes longer today.",
    "tr": "Bir arıza nedeniyle bugün daha uzun sürüyor.",
}
CLOSED = {"de": "Heute keine Ausweise mehr.", "en": "No more ID cards today.", "ar": "لا بطاقات هوية اليوم."}


@pytest.fixture
def clock() -> ManualClock:
    """One virtual clock for the server and the kiosk."""
    return ManualClock(START)


@pytest.fixture
def server(tmp_path: Path, clock: ManualClock) -> Iterator[LiveServer]:
    """The demo office on the virtual clock."""
    with run_live_server(tmp_path, clock=clock) as live:
        yield live


@pytest.fixture
def kiosk(qtbot: QtBot, server: LiveServer, clock: ManualClock, tmp_path: Path) -> Iterator[KioskWindow]:
    """A kiosk window on its welcome screen, on the virtual clock."""
    core = KioskCore(
        ApiClient(server.url, token="demo-kiosk", timeout=2.0),
        site="demo",
        printer=open_printer(f"sim://{tmp_path / 'printouts'}"),
        events=StreamBridge(stream_url(server.url, "/ws/sites/demo/display")),
        timing=FAST,
        clock=clock.now,
    )
    core.start()
    qtbot.waitUntil(lambda: core.screen is Screen.WELCOME and bool(core.services), timeout=10_000)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)
    yield window
    core.stop()


def test_the_notice_shows_in_the_citizens_language_until_it_expires(
    qtbot: QtBot, server: LiveServer, kiosk: KioskWindow, clock: ManualClock
) -> None:
    assert not kiosk.notice.isVisible()
    posted = httpx.post(
        server.api("/sites/demo/notices"), json={"texts": NOTICE, "minutes": 10}, headers=server.clerk_headers("super1")
    )
    assert posted.status_code == 201
    qtbot.waitUntil(lambda: kiosk.notice.isVisible(), timeout=10_000)
    # Before a language is chosen: German and English.
    assert kiosk.notice.text() == f"{NOTICE['de']}\n{NOTICE['en']}"
    kiosk.welcome.language_buttons["tr"].click()
    qtbot.waitUntil(lambda: kiosk.page() is kiosk.services)
    assert kiosk.notice.text() == NOTICE["tr"] and kiosk.notice.isVisible()
    kiosk.core.go_home()
    kiosk.welcome.language_buttons["uk"].click()  # no Ukrainian text given: German stands in
    qtbot.waitUntil(lambda: kiosk.page() is kiosk.services)
    assert kiosk.notice.text() == NOTICE["de"]
    with qtbot.waitSignal(kiosk.core.notices.changed, timeout=3000):
        clock.advance(timedelta(minutes=10))
    assert not kiosk.notice.isVisible() and kiosk.notice.text() == ""


def test_a_closed_service_is_disabled_with_the_supervisors_message(
    qtbot: QtBot, server: LiveServer, kiosk: KioskWindow
) -> None:
    closed = httpx.post(
        server.api("/sites/demo/services/ausweis/close"),
        json={"message": CLOSED},
        headers=server.clerk_headers("super1"),
    )
    assert closed.status_code == 200
    button = kiosk.services.buttons["ausweis"]
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=10_000)
    kiosk.welcome.language_buttons["ar"].click()
    qtbot.waitUntil(lambda: kiosk.page() is kiosk.services)
    assert button.detail.text() == CLOSED["ar"] and not button.isEnabled()
    kiosk.core.go_home()
    kiosk.welcome.language_buttons["ru"].click()  # no Russian text: German stands in
    qtbot.waitUntil(lambda: kiosk.page() is kiosk.services)
    assert button.detail.text() == CLOSED["de"]
    reopened = httpx.post(server.api("/sites/demo/services/ausweis/reopen"), headers=server.clerk_headers("super1"))
    assert reopened.status_code == 200
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=10_000)
