"""Closing time and the waiting room: a service that cannot be served today, and waiting outside."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.api import ApiError
from kiosk_app.core import _message_key
from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.window import KioskWindow
from server.clock import ManualClock
from server.demo import demo_office
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer, run_live_server

# Tuesday 24 November 2026, 11:30 in Berlin: an hour before closing.
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


@pytest.fixture
def office_hours(tmp_path: Path) -> Iterator[LiveServer]:
    """Open Tuesdays 08:00-12:30, room for one waiting citizen; a Standesamt visit takes two hours."""
    office = demo_office()
    site = office.sites[0]
    services = [
        s.model_copy(update={"typical_service_minutes": 120}) if s.id == "standesamt" else s for s in site.services
    ]
    site = site.model_copy(
        update={
            "always_open": False,
            "opening_hours": {"tue": [("08:00", "12:30")]},
            "waiting_room_capacity": 1,
            "services": services,
        }
    )
    office = office.model_copy(update={"sites": [site]})
    with run_live_server(tmp_path / "hours", office=office, clock=ManualClock(NOW)) as server:
        clerk = server.clerk_headers()
        for counter in ("3", "8"):  # open at 11:30, so the forecast counts them
            httpx.post(server.api(f"/counters/{counter}/resume"), headers=clerk).raise_for_status()
        # The cut-off comes from the forecast, recomputed after the counters opened: the kiosk starts after that.
        assert server.context.forecaster.settled.wait(timeout=30)
        yield server


def test_service_that_cannot_be_served_today_says_why(
    office_hours: LiveServer, make_core: KioskFactory, qtbot: QtBot
) -> None:
    core = make_core(office_hours.url)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    core.choose_language("ru")
    button = window.services.buttons["standesamt"]
    assert not button.isEnabled()
    assert button.detail.text() == tr("closed.cannot_be_served_today", "ru")
    assert window.services.buttons["anmeldung"].isEnabled()
    core.choose_service("standesamt")
    assert core.screen is Screen.MESSAGE
    assert window.message.text.text() == tr("closed.cannot_be_served_today", "ru")
    # Refused by the server when the kiosk's figures were a moment old: the same words.
    refused = ApiError(409, "service_cannot_be_served_today", "The waiting line is too long …")
    assert _message_key(refused) == "closed.cannot_be_served_today"
    assert _message_key(ApiError(409, "service_something_new", "…")) == "closed.closed"


def test_full_waiting_room_invites_to_wait_outside(
    office_hours: LiveServer, make_core: KioskFactory, qtbot: QtBot
) -> None:
    core = make_core(office_hours.url)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.mouseClick(window.welcome.language_buttons["tr"], Qt.MouseButton.LeftButton)
    notice = window.services.wait_outside_notice
    assert notice.isHidden()
    response = httpx.post(
        office_hours.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=office_hours.kiosk_headers
    )
    assert response.status_code == 201  # the one seat is taken
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=5_000)
    assert notice.text() == tr("services.wait_outside", "tr")

    with qtbot.waitSignal(core.issued, timeout=10_000) as issued_signal:
        qtbot.mouseClick(window.services.buttons["meldebescheinigung"], Qt.MouseButton.LeftButton)
    issued = issued_signal.args[0]
    assert issued.ticket.wait_outside and issued.wait_outside and not issued.appointment
    assert window.page() is window.confirmation
    assert window.confirmation.wait_outside.isVisible()
    assert window.confirmation.wait_outside.text() == tr("ticket.wait_outside", "tr")
    assert window.confirmation.appointment.isHidden()
