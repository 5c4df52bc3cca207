"""What the kiosk prints besides the number: the office name, the site's time and the way to the room."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from aufruf.cldr import format_clock, format_day
from client.api import ApiClient
from client.qt import StreamBridge, stream_url
from hardware import open_printer
from kiosk_app.core import KioskCore
from kiosk_app.states import Screen
from tests.hardware.test_hardware_printing import printed_text
from tests.kiosk_app.conftest import FAST
from tests.support.live_server import LiveServer


@pytest.fixture
def tokyo_pc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk PC's clock is set to another zone than the office's."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_ticket_has_office_name_site_time_and_room(
    live_server: LiveServer, qtbot: QtBot, tmp_path, tokyo_pc: None  # type: ignore[no-untyped-def]
) -> None:
    core = KioskCore(
        ApiClient(live_server.url, token="demo-kiosk", timeout=2.0), site="demo",
        printer=open_printer(f"sim://{tmp_path}"),
        events=StreamBridge(stream_url(live_server.url, "/ws/sites/demo/display")),
        header="",  # nothing configured: the office's own name is printed
        timing=FAST,
    )
    core.start()
    try:
        qtbot.waitUntil(lambda: core.screen is Screen.WELCOME and bool(core.site_info), timeout=10_000)
        core.choose_language("en")
        core.choose_service("standesamt")
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=15_000)
        issued = core.last_issued
        assert issued is not None and issued.receipt is not None
        raw = next(f for f in issued.receipt.files if f.suffix == ".bin")
        text = printed_text(raw.read_bytes())
        berlin = issued.ticket.issued_at.astimezone(ZoneInfo("Europe/Berlin"))
        assert f"{format_day(berlin, 'en')}, {format_clock(berlin, 'en')}" in text
        tokyo = issued.ticket.issued_at.astimezone(ZoneInfo("Asia/Tokyo"))
        assert format_clock(tokyo, "en") not in text
        assert core.site_info["name"] in text
        assert "Room 110 · 1st floor · Up the stairs, then right" in text
    finally:
        core.stop()
        with qtbot.waitSignal(core.destroyed, timeout=5_000):
            core.deleteLater()
