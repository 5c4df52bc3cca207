"""Double taps on every screen: the second touch must not act on the screen the first one opened.

Taps are synthetic mouse clicks on real widgets; the guard reads a clock the test advances, so
"150 ms later" needs no sleeping.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.touch_guard import DEFAULT_GUARD_SECONDS
from kiosk_app.ui.window import KioskWindow
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer

# Gaps between the two taps of a double tap, in milliseconds: the guard is 500 ms.
SHORT_GAPS = (50, 150, 250, 400, 480)
LONG_GAP = 600


class Clock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, milliseconds: float) -> None:
        self.now += milliseconds / 1000


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guarded(live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot, clock: Clock) -> KioskWindow:
    """A kiosk window with the default guard time on the test's clock."""
    core = make_core(live_server.url)
    window = KioskWindow(core, touch_px=48, clock=clock)
    assert window.guard.seconds == DEFAULT_GUARD_SECONDS == 0.5
    qtbot.addWidget(window)
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)
    return window


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def double_tap(
    qtbot: QtBot, clock: Clock, first: QWidget, second: Callable[[], QWidget], gap_ms: float
) -> None:
    """Tap one widget, then `gap_ms` later whatever widget the next screen puts under the finger."""
    clock.advance(5_000)  # the citizen has looked at this screen for a while
    tap(qtbot, first)
    clock.advance(gap_ms)
    tap(qtbot, second())


def ticket_count(server: LiveServer) -> int:
    lines = httpx.get(server.api("/sites/demo/display")).json()["data"]["lines"]
    return sum(len(numbers) for numbers in lines.values())


def draw(qtbot: QtBot, clock: Clock, kiosk: KioskWindow, language: str = "de") -> None:
    clock.advance(5_000)
    tap(qtbot, kiosk.welcome.language_buttons[language])
    clock.advance(5_000)
    tap(qtbot, kiosk.services.buttons["anmeldung"])
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CONFIRMATION, timeout=15_000)


def test_double_tap_on_a_language_draws_no_ticket(
    guarded: KioskWindow, qtbot: QtBot, clock: Clock, live_server: LiveServer
) -> None:
    for gap in SHORT_GAPS:
        double_tap(qtbot, clock, guarded.welcome.language_buttons["de"], lambda: guarded.services.buttons["kfz"], gap)
        assert guarded.core.screen is Screen.SERVICES, f"{gap} ms"
        clock.advance(5_000)
        tap(qtbot, guarded.services.header.back_button)
        assert guarded.core.screen is Screen.WELCOME
    assert guarded.guard.swallowed >= len(SHORT_GAPS)
    assert ticket_count(live_server) == 0
    # A second touch after 600 ms is a deliberate choice and is taken.
    double_tap(qtbot, clock, guarded.welcome.language_buttons["en"], lambda: guarded.services.buttons["kfz"], LONG_GAP)
    qtbot.waitUntil(lambda: guarded.core.screen is Screen.CONFIRMATION, timeout=15_000)
    assert ticket_count(live_server) == 1


def test_double_tap_on_done_leaves_large_text_off(guarded: KioskWindow, qtbot: QtBot, clock: Clock) -> None:
    for gap in (*SHORT_GAPS, LONG_GAP):
        draw(qtbot, clock, guarded)
        double_tap(qtbot, clock, guarded.confirmation.done_button, lambda: guarded.welcome.large_text, gap)
        assert guarded.core.screen is Screen.WELCOME
        assert guarded.large_text is (gap == LONG_GAP), f"{gap} ms"
        guarded.set_large_text(False)


def test_double_tap_on_back_and_on_the_appointment_button(guarded: KioskWindow, qtbot: QtBot, clock: Clock) -> None:
    clock.advance(5_000)
    tap(qtbot, guarded.welcome.language_buttons["de"])
    for gap in SHORT_GAPS:
        # Back to the welcome screen: the stray second touch does not pick a language.
        back = guarded.services.header.back_button
        double_tap(qtbot, clock, back, lambda: guarded.welcome.language_buttons["ar"], gap)
        assert guarded.core.screen is Screen.WELCOME and guarded.core.language == "de", f"{gap} ms"
        clock.advance(5_000)
        tap(qtbot, guarded.welcome.language_buttons["de"])
        # Into the check-in keypad: the second touch types no character.
        double_tap(qtbot, clock, guarded.services.appointment, lambda: guarded.check_in.keys["A"], gap)
        assert guarded.core.screen is Screen.CHECK_IN and guarded.core.code == "", f"{gap} ms"
        clock.advance(5_000)
        tap(qtbot, guarded.check_in.header.back_button)
        clock.advance(5_000)
        tap(qtbot, guarded.welcome.language_buttons["de"])
    double_tap(qtbot, clock, guarded.services.appointment, lambda: guarded.check_in.keys["A"], LONG_GAP)
    assert guarded.core.code == "A"


def test_double_tap_on_a_message_and_on_cancel(
    guarded: KioskWindow, qtbot: QtBot, clock: Clock, live_server: LiveServer
) -> None:
    for gap in SHORT_GAPS:
        draw(qtbot, clock, guarded, "en")
        # "Wrong service? Cancel", then a stray touch on the message's OK button.
        assert guarded.confirmation.cancel_button.isVisible()
        assert guarded.confirmation.cancel_button.text() == tr("ticket.cancel", "en")
        clock.advance(2_000)
        tap(qtbot, guarded.confirmation.cancel_button)
        qtbot.waitUntil(lambda: guarded.core.screen is Screen.MESSAGE, timeout=10_000)
        clock.advance(gap)
        tap(qtbot, guarded.message.ok)
        assert guarded.core.screen is Screen.MESSAGE, f"{gap} ms"
        clock.advance(5_000)
        # OK, and a second touch on a language of the welcome screen it leads to.
        double_tap(qtbot, clock, guarded.message.ok, lambda: guarded.welcome.language_buttons["tr"], gap)
        assert guarded.core.screen is Screen.WELCOME, f"{gap} ms"
    assert ticket_count(live_server) == 0  # every one of them was given back
