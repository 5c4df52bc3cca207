"""Right-to-left Arabic, touch target sizes, live figures and closed services on screen."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk_app.sizing import touch_target_px
from kiosk_app.states import Screen
from kiosk_app.texts import tr
from kiosk_app.ui.style import ACTION
from kiosk_app.ui.window import KioskWindow
from server.demo import demo_office
from tests.kiosk_app.conftest import KioskFactory
from tests.support.live_server import LiveServer, run_live_server


def x_in_window(widget: QWidget, window: QWidget) -> int:
    """A widget's left edge in window coordinates."""
    return widget.mapTo(window, QPoint(0, 0)).x()


def centre_colour(image: QImage, widget: QWidget, window: QWidget) -> QColor:
    """The colour a screenshot shows in the middle of a widget's left quarter (its background)."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return image.pixelColor(top_left.x() + 6, top_left.y() + widget.height() // 2)


def test_arabic_screen_is_laid_out_right_to_left(kiosk: KioskWindow, qtbot: QtBot, tmp_path: Path) -> None:
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    header = kiosk.services.header
    ltr_back, ltr_title = x_in_window(header.back_button, kiosk), x_in_window(header.title, kiosk)
    assert ltr_back < ltr_title  # English: back button on the left
    kiosk.core.go_home()

    qtbot.mouseClick(kiosk.welcome.language_buttons["ar"], Qt.MouseButton.LeftButton)
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.services.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert header.title.text() == tr("services.title", "ar")
    shot = tmp_path / "kiosk-ar.png"
    assert kiosk.grab().save(str(shot))
    image = QImage(str(shot))
    assert image.width() == kiosk.width()

    # Mirrored: the back button now sits at the right edge, right of the title.
    back_x, title_x = x_in_window(header.back_button, kiosk), x_in_window(header.title, kiosk)
    assert back_x > title_x
    assert back_x + header.back_button.width() > kiosk.width() - 40
    assert back_x > kiosk.width() // 2 > ltr_back
    # The screenshot agrees: the yellow back button is painted at the right, not at the left.
    assert centre_colour(image, header.back_button, kiosk) == QColor(ACTION)
    left_strip = image.pixelColor(ltr_back + 6, header.back_button.mapTo(kiosk, QPoint(0, 0)).y() + 10)
    assert left_strip != QColor(ACTION)
    # The service grid is mirrored too: the first service is in the right column.
    first, second = (kiosk.services.buttons[s] for s in ("anmeldung", "ausweis"))
    assert x_in_window(first, kiosk) > x_in_window(second, kiosk)
    # The keypad for Latin booking codes keeps its left-to-right order.
    qtbot.mouseClick(kiosk.services.appointment, Qt.MouseButton.LeftButton)
    keys = kiosk.check_in.keys
    assert x_in_window(keys["0"], kiosk) < x_in_window(keys["1"], kiosk)


def test_every_button_is_a_big_enough_touch_target(kiosk: KioskWindow, qtbot: QtBot) -> None:
    assert touch_target_px(96) == 44 and touch_target_px(254) == 90 and touch_target_px(0) == 44
    qtbot.mouseClick(kiosk.welcome.language_buttons["de"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.appointment, Qt.MouseButton.LeftButton)
    buttons = kiosk.findChildren(QPushButton)
    assert len(buttons) > 50
    for page in (kiosk.welcome, kiosk.services, kiosk.check_in):
        kiosk.stack.setCurrentWidget(page)
        for button in page.findChildren(QPushButton):
            if button.isVisible():
                assert min(button.width(), button.height()) >= kiosk.touch_px, button.objectName()


def test_large_text_mode_enlarges_text_and_resets_for_the_next_citizen(kiosk: KioskWindow, qtbot: QtBot) -> None:
    normal = kiosk.welcome.hint.fontInfo().pixelSize()
    qtbot.mouseClick(kiosk.welcome.large_text, Qt.MouseButton.LeftButton)
    assert kiosk.large_text
    assert kiosk.welcome.hint.fontInfo().pixelSize() >= normal * 1.4
    qtbot.mouseClick(kiosk.welcome.language_buttons["tr"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.header.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.page() is kiosk.welcome and not kiosk.large_text


def test_waiting_figures_follow_the_event_stream(kiosk: KioskWindow, qtbot: QtBot, live_server: LiveServer) -> None:
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    detail = kiosk.services.buttons["abholung"].detail
    assert detail.text().startswith("Waiting: 0")
    for key in ("x1", "x2"):
        response = httpx.post(
            live_server.api("/sites/demo/tickets"), json={"service": "abholung", "language": "en"},
            headers={**live_server.kiosk_headers, "Idempotency-Key": key},
        )
        assert response.status_code == 201
    qtbot.waitUntil(lambda: detail.text().startswith("Waiting: 2"), timeout=5_000)

    def estimated() -> tuple[int, int] | None:
        service = kiosk.core.service("abholung")
        return service.eta_minutes if service is not None else None

    # The range comes with the draw's queue.changed, or with the forecaster's follow-up right after it.
    qtbot.waitUntil(lambda: estimated() is not None, timeout=5_000)
    low, high = estimated() or (0, 0)
    assert detail.text() == "Waiting: 2 · " + tr("services.wait_range", "en", low=low, high=high)


@pytest.fixture
def quota_server(tmp_path: Path) -> LiveServer:
    office = demo_office()
    site = office.sites[0]
    services = [s.model_copy(update={"daily_quota": 1}) if s.id == "standesamt" else s for s in site.services]
    office = office.model_copy(update={"sites": [site.model_copy(update={"services": services})]})
    with run_live_server(tmp_path / "quota", office=office) as server:
        yield server  # type: ignore[misc]


def test_closed_service_says_why(quota_server: LiveServer, make_core: KioskFactory, qtbot: QtBot) -> None:
    core = make_core(quota_server.url)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    core.choose_language("uk")
    button = window.services.buttons["standesamt"]
    assert button.isEnabled()
    response = httpx.post(
        quota_server.api("/sites/demo/tickets"), json={"service": "standesamt"}, headers=quota_server.kiosk_headers
    )
    assert response.status_code == 201  # the day's only ticket
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=5_000)
    assert button.detail.text() == tr("closed.quota_reached", "uk")
    core.choose_service("standesamt")
    assert core.screen is Screen.MESSAGE
    assert window.message.text.text() == tr("closed.quota_reached", "uk")
