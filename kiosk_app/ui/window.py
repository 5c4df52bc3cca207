"""The kiosk window: one stacked widget per screen, switched by the core's signals."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from aufruf.i18n import is_rtl
from client.branding import Branding
from hardware import PrinterHealth
from kiosk_app.core import KioskCore
from kiosk_app.sizing import touch_target_px
from kiosk_app.states import Issued, Message, Screen
from kiosk_app.texts import tr
from kiosk_app.ui.arrived import ArrivedScreen
from kiosk_app.ui.band import BrandBand
from kiosk_app.ui.checkin import CheckInScreen
from kiosk_app.ui.results import ConfirmationScreen, IssuingScreen, MessageScreen, OutOfOrderScreen
from kiosk_app.ui.services import ServicesScreen
from kiosk_app.ui.style import Metrics, stylesheet
from kiosk_app.ui.touch_guard import DEFAULT_GUARD_SECONDS, TouchGuard
from kiosk_app.ui.welcome import WelcomeScreen
from kiosk_app.ui.widgets import text_label


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("the kiosk window needs a QApplication")
    return app


class StartingScreen(QWidget):
    """Shown until the server answered once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text_label(tr("starting.text", "de"), object_name="title", centred=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)


class KioskWindow(QWidget):
    """Renders the core's screen; every touch and key goes to the core."""

    def __init__(
        self,
        core: KioskCore,
        *,
        large_text: bool = False,
        touch_px: int | None = None,
        guard_seconds: float = DEFAULT_GUARD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.guard = TouchGuard(self, seconds=guard_seconds, clock=clock)
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        screen = QGuiApplication.primaryScreen()
        self.touch_px = touch_px or touch_target_px(screen.physicalDotsPerInch() if screen else 0)
        self.default_large_text = large_text
        self.large_text = large_text

        self.starting = StartingScreen()
        self.welcome = WelcomeScreen(self.touch_px, core.languages)
        self.services = ServicesScreen(self.touch_px)
        self.check_in = CheckInScreen(self.touch_px)
        self.issuing = IssuingScreen()
        self.confirmation = ConfirmationScreen(self.touch_px)
        self.message = MessageScreen(self.touch_px)
        self.arrived = ArrivedScreen(self.touch_px)
        self.out_of_order = OutOfOrderScreen(core.languages)
        self.pages: dict[Screen, QWidget] = {
            Screen.STARTING: self.starting,
            Screen.WELCOME: self.welcome,
            Screen.SERVICES: self.services,
            Screen.CHECK_IN: self.check_in,
            Screen.ISSUING: self.issuing,
            Screen.CONFIRMATION: self.confirmation,
            Screen.MESSAGE: self.message,
            Screen.CHECKED_IN: self.arrived,
            Screen.OUT_OF_ORDER: self.out_of_order,
        }
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.band = BrandBand(self.touch_px)
        # A supervisor's notice ("Wegen einer Störung …") above every screen until it expires.
        self.notice = text_label(object_name="office_notice", centred=True)
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.band)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack)

        # Touches go to the core; the widgets keep no state of their own.
        self.welcome.language_chosen.connect(core.choose_language)
        self.welcome.large_text_toggled.connect(self.set_large_text)
        self.services.back.connect(core.go_home)
        self.services.service_chosen.connect(core.choose_service)
        self.services.check_in.connect(core.open_check_in)
        self.services.visual_call.chosen.connect(core.set_visual_call)
        core.visual_call_changed.connect(self.services.visual_call.show_choice)
        self.check_in.back.connect(core.go_home)
        self.check_in.key_pressed.connect(core.type_key)
        self.check_in.submitted.connect(core.submit_typed_code)
        self.confirmation.done.connect(core.go_home)
        self.confirmation.cancel.connect(core.cancel_issued)
        core.cancel_offered.connect(self.confirmation.offer_cancel)
        self.message.done.connect(core.go_home)
        self.arrived.done.connect(core.go_home)
        core.checked_in.connect(lambda ticket: self.arrived.show_ticket(ticket, core.language))

        core.screen_changed.connect(self._show_screen)
        core.language_changed.connect(self._retranslate)
        core.services_changed.connect(self.services.set_services)
        core.issued.connect(self._show_issued)
        core.message_shown.connect(self._show_message)
        core.code_changed.connect(self.check_in.set_code)
        core.printer_changed.connect(self._printer_changed)
        core.notices.changed.connect(self._render_notice)
        core.branding.changed.connect(self._branding_changed)

        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        _application().installEventFilter(self)
        _application().installEventFilter(self.guard)
        self._apply_style()
        self._retranslate(core.language)
        self.services.set_services(core.services)
        self.check_in.set_code(core.code)
        if core.printer_health is not None:
            self._printer_changed(core.printer_health)
        self._show_screen(core.screen)

    def page(self) -> QWidget:
        """The screen now on display."""
        return self.stack.currentWidget() or self.starting

    def set_large_text(self, on: bool) -> None:
        """Switch the large-text mode for the current citizen."""
        if on != self.large_text:
            self.large_text = on
            self._apply_style()
        if self.welcome.large_text.isChecked() != on:
            self.welcome.large_text.setChecked(on)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys reach the window (no widget takes focus): they come from a wedge scanner."""
        text = "\r" if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) else event.text()
        if text:
            self.core.feed_key(text, event.timestamp() / 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note every touch anywhere, so the screen's idle time-out restarts."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.core.touched()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop listening to the application's events."""
        _application().removeEventFilter(self)
        _application().removeEventFilter(self.guard)
        super().closeEvent(event)

    def _apply_style(self) -> None:
        self.setStyleSheet(stylesheet(Metrics.for_screen(self.touch_px, large_text=self.large_text)))

    def _show_screen(self, screen: Screen) -> None:
        if screen is Screen.WELCOME:
            self.set_large_text(self.default_large_text)  # the next citizen starts afresh
        if screen is Screen.OUT_OF_ORDER:
            self.out_of_order.show_state(pending=self.core.pending is not None)
        if self.stack.currentWidget() is not self.pages[screen]:
            self.guard.arm()  # a second tap of the touch that led here must not act on this screen
        self.stack.setCurrentWidget(self.pages[screen])
        if screen in (Screen.CONFIRMATION, Screen.MESSAGE):
            self._countdown.start()
            self._tick()
        else:
            self._countdown.stop()

    def _tick(self) -> None:
        self.confirmation.set_seconds_left(self.core.language, self.core.seconds_left())

    def _retranslate(self, language: str) -> None:
        direction = Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight
        # The whole app mirrors for Arabic: back buttons, grids and text alignment.
        QGuiApplication.setLayoutDirection(direction)
        self.setLayoutDirection(direction)
        for page in (self.welcome, self.services, self.check_in, self.issuing):
            page.retranslate(language)
        self._render_notice()

    def _render_notice(self) -> None:
        """The notices in the citizen's language; before a language is chosen, in German and English."""
        language = self.core.language
        shown = self.core.notices.texts(language)
        if language == "de":
            shown = [*shown, *(text for text in self.core.notices.texts("en") if text not in shown)]
        self.notice.setText("\n".join(shown))
        self.notice.setVisible(bool(shown))

    def _show_issued(self, issued: Issued) -> None:
        self.confirmation.show_ticket(issued)

    def _show_message(self, message: Message) -> None:
        self.message.show_message(message)

    def _branding_changed(self, branding: Branding | None) -> None:
        self.band.set_branding(branding, str(self.core.site_info.get("name") or ""))

    def _printer_changed(self, health: PrinterHealth) -> None:
        self.services.set_printer_ready(health.can_print)
