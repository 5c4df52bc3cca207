"""The Qt display shows a supervisor's notice and a closed service's message, and drops the notice at expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from client.qt import StreamBridge, stream_url
from display_app.audio.players import WavFilePlayer
from display_app.audio.render import ClipRenderer
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.widgets.window import DisplayWindow
from server.clock import ManualClock
from tests.support.live_server import LiveServer, run_live_server

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NOTICE = {
    "de": "Wegen einer Störung dauert es heute länger.",
    "en": "Due to a fault it takes longer today.",
    "ar": "بسبب عطل يستغرق الانتظار وقتاً أطول اليوم.",
}


@pytest.fixture
def clock() -> ManualClock:
    """One virtual clock for the server and the display."""
    return ManualClock(START)


@pytest.fixture
def server(tmp_path: Path, clock: ManualClock) -> Iterator[LiveServer]:
    """The demo office on the virtual clock."""
    with run_live_server(tmp_path, clock=clock) as live:
        yield live


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, server: LiveServer, clock: ManualClock) -> Iterator[DisplayWindow]:
    """A display window in German, English and Arabic, following the server's stream on the virtual clock."""
    config = DisplayConfig(server=server.url, site="demo", diagonal_inches=55, languages=["de", "en", "ar"])
    controller = DisplayController(
        config, player=WavFilePlayer(tmp_path / "audio"), render=ClipRenderer(config.languages), clock=clock.now
    )
    shown = DisplayWindow(controller, config)
    qtbot.addWidget(shown)
    shown.resize(1920, 1080)
    shown.show()
    bridge = StreamBridge(stream_url(server.url, "/ws/sites/demo/display"))
    controller.attach(bridge)
    with qtbot.waitSignal(controller.changed, timeout=10000):
        bridge.start()
    yield shown
    bridge.stop()
    controller.worker.wait(30000)


def test_the_notice_shows_until_it_expires_on_the_virtual_clock(
    qtbot: QtBot, server: LiveServer, window: DisplayWindow, clock: ManualClock
) -> None:
    assert not window.notice.isVisible()
    posted = httpx.post(
        server.api("/sites/demo/notices"), json={"texts": NOTICE, "minutes": 3}, headers=server.clerk_headers("super1")
    )
    assert posted.status_code == 201
    qtbot.waitUntil(lambda: window.notice.isVisible(), timeout=10000)
    assert window.notice.primary.text() == NOTICE["de"]
    assert window.notice.secondary.text() == f"{NOTICE['en']} · {NOTICE['ar']}"
    assert window.overflowing() == []
    clock.advance(timedelta(minutes=2, seconds=59))
    qtbot.wait(1200)  # a second of the board's own checks passes: still before the expiry
    assert window.notice.isVisible()
    with qtbot.waitSignal(window.controller.notices.changed, timeout=3000):
        clock.advance(timedelta(seconds=1))
    assert not window.notice.isVisible() and window.controller.notices.notices == []


def test_a_closed_service_shows_closed_with_its_message(
    qtbot: QtBot, server: LiveServer, window: DisplayWindow
) -> None:
    closed = httpx.post(
        server.api("/sites/demo/services/ausweis/close"),
        headers=server.clerk_headers("super1"),
        json={"message": {"de": "Heute keine Ausweise mehr.", "en": "No more ID cards today."}},
    )
    assert closed.status_code == 200
    qtbot.waitUntil(lambda: window.notice.isVisible(), timeout=10000)
    assert window.notice.primary.text() == "Personalausweis / Reisepass: Heute keine Ausweise mehr."
    assert "ID card / passport: No more ID cards today." in window.notice.secondary.text()
    line = next(index for index, line in enumerate(window.controller.state.lines) if line.id == "ausweis")
    _frame, _name, _count, wait = window.line_widgets[line]
    assert wait.text() == "geschlossen"
