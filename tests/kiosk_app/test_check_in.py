"""Appointment check-in by serial scanner, keyboard-wedge scanner and on-screen keypad.

The server answers 404 `unknown_booking` for every code until appointments exist; the kiosk
must say so clearly and never issue a ticket.
"""

from __future__ import annotations

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hardware import SerialScanner
from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.window import KioskWindow
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer


def no_tickets(server: LiveServer) -> bool:
    lines = httpx.get(server.api("/sites/demo/display")).json()["data"]["lines"]
    return all(not numbers for numbers in lines.values())


def test_check_in_by_serial_scanner(live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot) -> None:
    core = make_core(live_server.url, scanner="loop://")
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    assert isinstance(core.scanner, SerialScanner) and core.scanner.port is not None
    core.choose_language("tr")
    # loop:// hands back what is written: exactly the bytes a USB-CDC scanner sends.
    core.scanner.port.write(b"bk-7q2m9x\r\n")
    qtbot.waitUntil(lambda: core.screen is Screen.MESSAGE, timeout=10_000)
    assert core.last_message is not None and core.last_message.key == "message.booking_unknown"
    assert core.last_message.error is not None and core.last_message.error.status == 404
    assert window.message.text.text() == tr("message.booking_unknown", "tr")
    assert no_tickets(live_server)
    qtbot.mouseClick(window.message.ok, Qt.MouseButton.LeftButton)
    assert core.screen is Screen.WELCOME


def test_check_in_by_keyboard_wedge_scanner(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot
) -> None:
    core = make_core(live_server.url, scanner="wedge://")
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # A scanner types a burst ending in Enter into whatever window has the keyboard.
    qtbot.keyClicks(window, "BK-1234")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: core.screen is Screen.MESSAGE, timeout=10_000)
    assert window.message.text.text() == tr("message.booking_unknown", "de")
    assert no_tickets(live_server)


def test_check_in_typed_on_the_keypad(kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer) -> None:
    qtbot.mouseClick(kiosk.welcome.language_buttons["ar"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.appointment, Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.check_in
    assert not kiosk.check_in.submit.isEnabled()
    for key in "AB9X":
        qtbot.mouseClick(kiosk.check_in.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.check_in.delete, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.check_in.keys["Z"], Qt.MouseButton.LeftButton)
    assert kiosk.check_in.code.text() == "AB9Z"
    qtbot.mouseClick(kiosk.check_in.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.MESSAGE, timeout=10_000)
    assert kiosk.message.text.text() == tr("message.booking_unknown", "ar")
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert no_tickets(live_server)


def test_too_short_code_is_refused_before_asking_the_server(kiosk: KioskWindow, qtbot: QtBot) -> None:
    kiosk.core.choose_language("en")
    kiosk.core.open_check_in()
    kiosk.core.type_key("A")
    kiosk.core.submit_typed_code()
    assert kiosk.core.screen is Screen.MESSAGE
    assert kiosk.message.text.text() == tr("message.code_too_short", "en")
