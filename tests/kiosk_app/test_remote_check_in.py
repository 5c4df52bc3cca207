"""Checking in a ticket drawn from a phone: the kiosk's serial scanner reads the phone's QR code, or the
citizen types the short code on the keypad; only then does a counter call it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware import SerialScanner
from kiosk_app.states import Screen
from kiosk_app.ui.window import KioskWindow
from tests.kiosk_app.conftest import KioskFactory
from tests.remote_join.support import client_from, join, remote_office
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with joining from a phone switched on (replaces the plain demo server here)."""
    with run_live_server(tmp_path, office=remote_office()) as server:
        yield server


def _phone_ticket(server: LiveServer, address: str) -> dict[str, Any]:
    with client_from(address) as phone:
        response = join(phone, server)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_scanner_reads_the_phones_qr_code(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot, printouts: Path
) -> None:
    waiting, arriving = _phone_ticket(live_server, "127.0.0.2"), _phone_ticket(live_server, "127.0.0.3")
    core = make_core(live_server.url, scanner="loop://")
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    assert isinstance(core.scanner, SerialScanner) and core.scanner.port is not None
    # What a USB-CDC scanner sends for the QR code on the phone: the status URL, then CR LF.
    core.scanner.port.write(arriving["ticket"]["status_url"].encode() + b"\r\n")
    qtbot.waitUntil(lambda: core.screen is Screen.CHECKED_IN, timeout=10_000)
    assert window.page() is window.arrived
    assert window.arrived.number.text() == arriving["ticket"]["number"]
    assert window.arrived.title.text() == "Willkommen – Sie sind angemeldet"
    assert not list(printouts.glob("*.png")), "the number is on the phone: nothing is printed"
    # The one who checked in is called; the earlier phone ticket, not here yet, is passed over.
    called = httpx.post(live_server.api("/counters/2/call-next"), headers=live_server.clerk_headers())
    assert called.json()["number"] == arriving["ticket"]["number"]
    assert waiting["ticket"]["number"] < arriving["ticket"]["number"]
    qtbot.mouseClick(window.arrived.ok, Qt.MouseButton.LeftButton)
    assert core.screen is Screen.WELCOME


def test_the_short_code_typed_in_arabic(kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer) -> None:
    ticket = _phone_ticket(live_server, "127.0.0.2")
    qtbot.mouseClick(kiosk.welcome.language_buttons["ar"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.appointment, Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.check_in
    shown = f"{ticket['code'][:3]}-{ticket['code'][3:]}"  # as the phone shows it
    for key in shown:
        qtbot.mouseClick(kiosk.check_in.keys[key], Qt.MouseButton.LeftButton)
    assert kiosk.check_in.code.text() == shown
    qtbot.mouseClick(kiosk.check_in.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CHECKED_IN, timeout=10_000)
    assert kiosk.arrived.title.text() == "مرحبًا – تم تسجيل حضورك"
    assert kiosk.arrived.number.text() == ticket["ticket"]["number"]
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    again = httpx.post(live_server.api("/counters/2/call-next"), headers=live_server.clerk_headers())
    assert again.json()["number"] == ticket["ticket"]["number"]


def test_an_unknown_short_code_is_refused_clearly(kiosk: KioskWindow, qtbot: QtBot) -> None:
    kiosk.core.choose_language("en")
    kiosk.core.open_check_in()
    for key in "ZZZ222":
        kiosk.core.type_key(key)
    kiosk.core.submit_typed_code()
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.MESSAGE, timeout=10_000)
    assert kiosk.message.text.text().startswith("There is no phone ticket with this code today.")
    assert kiosk.core.last_message is not None and kiosk.core.last_message.error is not None
    assert kiosk.core.last_message.error.status == 404
