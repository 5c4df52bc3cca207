"""The whole flow through the widgets in every language, and the printed ticket's QR code."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk_app.states import Screen
from kiosk_app.texts import people_ahead, tr
from kiosk_app.ui.window import KioskWindow
from tests.support.live_server import LiveServer

LANGUAGES = ["de", "en", "tr", "ar", "uk", "ru"]


def decode_qimage(image: QImage) -> list[str]:
    """Every QR code zxing finds in a Qt image."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(image.constBits())[: image.bytesPerLine() * image.height()]
    pil = Image.frombytes("RGB", (image.width(), image.height()), data, "raw", "RGB", image.bytesPerLine())
    return [r.text for r in zxingcpp.read_barcodes(pil)]


def draw(qtbot: QtBot, kiosk: KioskWindow, language: str, service: str = "anmeldung") -> float:
    """Touch a language, then a service; returns seconds from the touch to the confirmation."""
    qtbot.mouseClick(kiosk.welcome.language_buttons[language], Qt.MouseButton.LeftButton)
    assert kiosk.core.screen is Screen.SERVICES
    started = time.perf_counter()
    qtbot.mouseClick(kiosk.services.buttons[service], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CONFIRMATION, timeout=15_000)
    return time.perf_counter() - started


@pytest.mark.parametrize("language", LANGUAGES)
def test_full_flow_in_each_language(
    language: str, kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer, printouts: Path
) -> None:
    # The welcome screen speaks German and offers every language by its own name.
    assert kiosk.page() is kiosk.welcome
    assert kiosk.welcome.title.text().startswith("Willkommen")
    assert kiosk.welcome.language_buttons["ar"].text() == "العربية"

    qtbot.mouseClick(kiosk.welcome.language_buttons[language], Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.services
    assert kiosk.services.header.title.text() == tr("services.title", language)
    button = kiosk.services.buttons["anmeldung"]
    assert button.heading.text() == kiosk.core.service("anmeldung").names.get(language, button.heading.text())
    assert tr("services.waiting", language, count=0) in button.detail.text()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CONFIRMATION, timeout=15_000)
    issued = kiosk.core.last_issued
    assert issued is not None and issued.printed
    ticket = issued.ticket
    assert ticket.number == "A001" and ticket.language == language
    assert kiosk.confirmation.number.text() == "A001"
    assert kiosk.confirmation.ahead.text() == people_ahead(language, 0, ticket.eta_minutes)
    assert kiosk.confirmation.status.text() == tr("ticket.printed", language)
    # The same QR code as on paper, on screen.
    assert decode_qimage(kiosk.confirmation.qr.pixmap().toImage()) == [ticket.status_url]
    assert issued.receipt is not None and issued.receipt.files[0].parent == printouts
    assert issued.receipt.files[0].suffix == ".png" and issued.receipt.files[0].is_file()

    # Done: back to the German welcome screen, left to right again.
    qtbot.mouseClick(kiosk.confirmation.done_button, Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.welcome
    assert kiosk.core.language == "de" and kiosk.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_returns_to_start_after_time_out(kiosk: KioskWindow, qtbot: QtBot) -> None:
    kiosk.core.timing = kiosk.core.timing.__class__(confirmation_seconds=0.5)
    draw(qtbot, kiosk, "en")
    assert kiosk.confirmation.countdown.text() == tr("ticket.returning", "en", seconds=1)
    qtbot.waitUntil(lambda: kiosk.page() is kiosk.welcome, timeout=5_000)


def test_printed_qr_decodes_to_a_working_status_url(
    kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer
) -> None:
    seconds = draw(qtbot, kiosk, "de", "ausweis")
    issued = kiosk.core.last_issued
    assert issued is not None and issued.receipt is not None
    png = issued.receipt.files[0]
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    assert codes == [issued.ticket.status_url]
    url = codes[0]
    assert url.startswith(live_server.url + "/t/")
    assert httpx.get(url).status_code == 200
    token = url.rsplit("/", 1)[1]
    assert httpx.get(live_server.api(f"/tickets/{token}")).json()["number"] == issued.ticket.number == "P001"
    assert issued.seconds_to_print is not None and issued.seconds_to_print <= seconds
    print(f"touch to printed: {issued.seconds_to_print:.3f} s, touch to confirmation: {seconds:.3f} s")


def test_double_tap_yields_one_ticket(kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer) -> None:
    qtbot.mouseClick(kiosk.welcome.language_buttons["de"], Qt.MouseButton.LeftButton)
    button = kiosk.services.buttons["kfz"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    kiosk.core.choose_service("kfz")  # even a tap that reaches the core is ignored
    qtbot.waitUntil(lambda: kiosk.core.screen is Screen.CONFIRMATION, timeout=15_000)
    kiosk.core.calls.wait()
    state = httpx.get(live_server.api("/sites/demo/display")).json()["data"]
    assert state["lines"]["kfz"] == ["K001"]
    assert [s["waiting"] for s in state["services"] if s["id"] == "kfz"] == [1]
