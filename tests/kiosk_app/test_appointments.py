"""Check-in with real bookings made through the appointments API, and every refusal in its own words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk_app.core import KioskCore
from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.window import KioskWindow
from server.clock import ManualClock
from server.demo import demo_office
from server.office.schema import AppointmentRules
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer, run_live_server

# Tuesday 24 November 2026, 11:30 in Berlin.
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


def book(server: LiveServer, starts_at: datetime | str, staff: dict[str, str] | None = None) -> str:
    """Book an Ausweis appointment as a clerk; returns the booking code as printed for the citizen."""
    when = starts_at if isinstance(starts_at, str) else starts_at.isoformat()
    response = httpx.post(
        server.api("/sites/demo/appointments"), headers=staff or server.clerk_headers(),
        json={"service": "ausweis", "starts_at": when},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def waiting_numbers(server: LiveServer, service: str) -> list[str]:
    lines: dict[str, list[str]] = httpx.get(server.api("/sites/demo/display")).json()["data"]["lines"]
    return lines[service]


def check_in(qtbot: QtBot, core: KioskCore, code: str, expect: Screen) -> None:
    """Hand a code to the core as a scanner does and wait for the answer's screen."""
    with qtbot.waitSignal(core.screen_changed, timeout=10_000, check_params_cb=lambda s: s is expect):
        core.submit_code(code)


def test_booked_appointment_checks_in_once(kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer) -> None:
    code = book(live_server, datetime.now(UTC) + timedelta(minutes=5))
    qtbot.mouseClick(kiosk.welcome.language_buttons["uk"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.appointment, Qt.MouseButton.LeftButton)
    for key in code:  # typed as printed on the confirmation, dash included
        qtbot.mouseClick(kiosk.check_in.keys[key], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.core.issued, timeout=10_000) as issued_signal:
        qtbot.mouseClick(kiosk.check_in.submit, Qt.MouseButton.LeftButton)
    issued = issued_signal.args[0]
    assert issued.appointment and issued.ticket.appointment and issued.printed
    assert kiosk.core.screen is Screen.CONFIRMATION
    confirmation = kiosk.confirmation
    assert not confirmation.appointment.isHidden()
    assert confirmation.appointment.text() == tr("ticket.appointment", "uk")
    assert confirmation.number.text() == issued.ticket.number == "P001"
    assert confirmation.wait_outside.isHidden()  # the demo office has no waiting-room limit
    qtbot.mouseClick(confirmation.done_button, Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.welcome

    # The same code again, now in Arabic: refused as used, and no second ticket.
    kiosk.core.choose_language("ar")
    check_in(qtbot, kiosk.core, code, Screen.MESSAGE)
    message = kiosk.core.last_message
    assert message is not None and message.key == "message.booking_used"
    assert message.error is not None and (message.error.status, message.error.code) == (409, "booking_used")
    assert kiosk.message.text.text() == tr("message.booking_used", "ar")
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert waiting_numbers(live_server, "ausweis") == ["P001"]


def test_a_walk_in_ticket_does_not_say_appointment(kiosk: KioskWindow, qtbot: QtBot) -> None:
    kiosk.core.choose_language("en")
    with qtbot.waitSignal(kiosk.core.issued, timeout=10_000):
        qtbot.mouseClick(kiosk.services.buttons["anmeldung"], Qt.MouseButton.LeftButton)
    assert kiosk.core.last_issued is not None and not kiosk.core.last_issued.appointment
    assert kiosk.confirmation.appointment.isHidden()


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office on a virtual Tuesday morning, refusing check-ins far too early or too late."""
    office = demo_office()
    site = office.sites[0].model_copy(
        update={"appointments": AppointmentRules(too_early="refuse", too_late="refuse")}
    )
    office = office.model_copy(update={"sites": [site]})
    with run_live_server(tmp_path / "strict", office=office, clock=ManualClock(NOW)) as server:
        yield server


def test_each_refusal_has_its_own_message(
    strict_server: LiveServer, make_core: KioskFactory, qtbot: QtBot
) -> None:
    core = make_core(strict_server.url)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    staff = strict_server.clerk_headers()
    cancelled = book(strict_server, "2026-11-24T11:40:00", staff)
    assert httpx.delete(strict_server.api(f"/sites/demo/appointments/{cancelled}"), headers=staff).is_success
    # Times without a zone are the site's (Berlin) local time; it is 11:30 there.
    cases = [
        ("de", cancelled, "booking_cancelled"),
        ("en", book(strict_server, "2026-11-24T12:25:00", staff), "booking_too_early"),
        ("tr", book(strict_server, "2026-11-24T09:00:00", staff), "booking_too_late"),
        ("ar", book(strict_server, "2026-11-25T09:00:00", staff), "booking_other_day"),
        ("uk", "ZZZZ-ZZZZ", "unknown_booking"),
    ]
    shown: set[str] = set()
    for language, code, reason in cases:
        core.choose_language(language)
        check_in(qtbot, core, code, Screen.MESSAGE)
        assert core.last_message is not None and core.last_message.error is not None
        assert core.last_message.error.code == reason
        text = window.message.text.text()
        assert text == tr(core.last_message.key, language) and text not in shown
        shown.add(text)
        core.go_home()
    assert waiting_numbers(strict_server, "ausweis") == []
    # Every refusal reads differently in every language: none falls back to another's text.
    keys = [f"message.booking_{r.removeprefix('booking_')}" for _, _, r in cases[:-1]] + ["message.booking_unknown"]
    for language in ("de", "en", "tr", "ar", "uk", "ru"):
        texts = {tr(key, language) for key in keys}
        assert len(texts) == len(keys), language
