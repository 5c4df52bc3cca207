"""Faults: printer out of paper, server down and back; nothing lost, never two tickets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.qt import StreamBridge, stream_url
from hardware import PrinterState
from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.window import KioskWindow
from tests.kiosk_app.conftest import FAST, KioskFactory
from tests.kiosk_app.test_flow import decode_qimage
from tests.support.live_server import LiveServer, free_port, run_live_server


def printer_reports(server_url: str, qtbot: QtBot) -> tuple[StreamBridge, list[dict[str, Any]]]:
    """Watch the site's display websocket for printer `device.status` events."""
    bridge = StreamBridge(stream_url(server_url, "/ws/sites/demo/display"))
    seen: list[dict[str, Any]] = []

    def keep(message: dict[str, Any]) -> None:
        if message["type"] == "device.status" and message["data"]["component"] == "printer":
            seen.append(message["data"])

    bridge.message.connect(keep)
    with qtbot.waitSignal(bridge.snapshot, timeout=10_000):
        bridge.start()
    return bridge, seen


def test_paper_out_shows_the_ticket_and_tells_staff(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot, printouts: Path
) -> None:
    bridge, reports = printer_reports(live_server.url, qtbot)
    try:
        core = make_core(live_server.url, printer=f"sim://{printouts}?status=paper_out")
        window = KioskWindow(core, touch_px=48, guard_seconds=0)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: any(r["state"] == "paper_out" for r in reports), timeout=10_000)
        assert reports[-1]["kind"] == "kiosk" and reports[-1]["device"] == "demo-kiosk"

        qtbot.mouseClick(window.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
        assert window.services.printer_notice.isVisibleTo(window)  # warned before choosing
        qtbot.mouseClick(window.services.buttons["meldebescheinigung"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=10_000)
        issued = core.last_issued
        assert issued is not None and not issued.printed and issued.fault == "printer.paper_out"
        assert window.confirmation.number.text() == issued.ticket.number == "M001"
        reason = tr("printer.paper_out", "en")
        assert window.confirmation.status.text() == tr("ticket.printer_fault", "en", reason=reason)
        assert decode_qimage(window.confirmation.qr.pixmap().toImage()) == [issued.ticket.status_url]
        assert not printouts.exists() or not list(printouts.glob("*.png"))  # nothing came out
        assert httpx.get(issued.ticket.status_url or "").status_code == 200  # and the ticket is real

        # Paper refilled: the kiosk notices, tells the server, and prints again.
        assert core.printer is not None
        core.printer.transport.state = PrinterState.ONLINE  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: reports[-1]["state"] == "ok", timeout=10_000)
        core.go_home()
        core.choose_language("de")
        assert not window.services.printer_notice.isVisibleTo(window)
        core.choose_service("meldebescheinigung")
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=10_000)
        assert core.last_issued is not None and core.last_issued.printed
        assert [r["state"] for r in reports] == ["paper_out", "ok"]  # once per change
    finally:
        bridge.stop()


def test_printer_failing_mid_job_still_shows_the_ticket(
    live_server: LiveServer, make_core: KioskFactory, qtbot: QtBot
) -> None:
    slow_poll = FAST.__class__(**{**FAST.__dict__, "printer_poll_seconds": 3600})
    core = make_core(live_server.url, timing=slow_poll)
    assert core.printer is not None
    qtbot.waitUntil(lambda: core.printer_health is not None, timeout=5_000)
    # The cover opens after the last poll: the kiosk only learns of it from the failed job.
    core.printer.transport.state = PrinterState.COVER_OPEN  # type: ignore[attr-defined]
    core.choose_language("tr")
    core.choose_service("anmeldung")
    qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=10_000)
    assert core.last_issued is not None and core.last_issued.fault == "printer.cover_open"
    qtbot.waitUntil(lambda: core.printer_health is not None and core.printer_health.state is PrinterState.COVER_OPEN)


def test_server_down_and_back(tmp_path: Path, make_core: KioskFactory, qtbot: QtBot) -> None:
    port = free_port()
    with run_live_server(tmp_path, port=port) as server:
        core = make_core(server.url)
        window = KioskWindow(core, touch_px=48, guard_seconds=0)
        qtbot.addWidget(window)
        assert core.online
    # The server is gone: the kiosk notices by itself and says so in every language.
    qtbot.waitUntil(lambda: core.screen is Screen.OUT_OF_ORDER, timeout=15_000)
    assert window.page() is window.out_of_order
    screen = window.out_of_order
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)
    # Headings stand apart from the sentences, in every language.
    for language in ("de", "en", "ar"):
        assert screen.headings[language].text() == tr("out_of_order.title", language)
        assert not screen.blocks[language].text().startswith(tr("out_of_order.title", language))
        assert screen.headings[language].geometry().bottom() <= screen.blocks[language].geometry().top()
    assert tr("out_of_order.text", "ar") in window.out_of_order.blocks["ar"].text()
    assert not core.online
    core.choose_language("en")  # nothing to touch while out of order
    assert core.screen is Screen.OUT_OF_ORDER

    with run_live_server(tmp_path, port=port):
        qtbot.waitUntil(lambda: core.screen is Screen.WELCOME, timeout=15_000)
        assert core.online
        core.choose_language("de")
        core.choose_service("anmeldung")
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=10_000)
        assert core.last_issued is not None and core.last_issued.printed


def test_a_touch_during_an_outage_gets_its_one_ticket_when_the_server_is_back(
    tmp_path: Path, make_core: KioskFactory, qtbot: QtBot
) -> None:
    port = free_port()
    # A long retry interval: the touch lands before the kiosk has noticed the outage.
    patient = FAST.__class__(**{**FAST.__dict__, "retry_seconds": 3600})
    with run_live_server(tmp_path, port=port) as server:
        core = make_core(server.url, timing=patient)
        core.choose_language("ru")
    assert core.screen is Screen.SERVICES
    core.choose_service("fuehrungszeugnis")
    qtbot.waitUntil(lambda: core.screen is Screen.OUT_OF_ORDER, timeout=15_000)
    assert core.pending is not None
    key = core.pending.key

    with run_live_server(tmp_path, port=port) as server:
        core._probe_timer.setInterval(100)  # the next retry, without waiting an hour
        qtbot.waitUntil(lambda: core.screen is Screen.CONFIRMATION, timeout=15_000)
        issued = core.last_issued
        assert issued is not None and issued.ticket.number == "F001" and issued.language == "ru"
        assert core.pending is None
        # The same key again is the same ticket: the touch can never become two.
        again = core.api.draw_ticket("demo", "fuehrungszeugnis", language="ru", idempotency_key=key)
        assert again.number == "F001"
        lines = httpx.get(server.api("/sites/demo/display")).json()["data"]["lines"]
        assert lines["fuehrungszeugnis"] == ["F001"]
