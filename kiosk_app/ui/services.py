"""Service choice: one button per service with live waiting figures, or why it is closed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk_app.texts import closed_key, not_served, tr
from kiosk_app.ui.visual_call import VisualCallSwitch
from kiosk_app.ui.widgets import CardButton, TouchButton, text_label
from server.sites.schemas import ServiceOut


class HeaderBar(QWidget):
    """Back button at the reading start (left, or right in Arabic) and the screen's title."""

    back = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = TouchButton(touch_px)
        self.back_button.setObjectName("back")
        self.back_button.setMaximumWidth(touch_px * 5)
        self.back_button.clicked.connect(self.back.emit)
        self.title = text_label(object_name="title")
        layout = QHBoxLayout(self)
        layout.addWidget(self.back_button)
        layout.addWidget(self.title, 1)

    def retranslate(self, language: str, title_key: str) -> None:
        """Texts in the citizen's language."""
        self.back_button.setText(tr("back", language))
        self.title.setText(tr(title_key, language))


def service_lines(service: ServiceOut, language: str) -> tuple[str, str]:
    """A service button's name and its figures or closing reason."""
    name = service.names.get(language) or service.name
    if not service.open:
        message = service.closed_message or {}
        # A supervisor's own words, in the citizen's language where given, else German.
        said = (message.get(language) or message.get("de")) if service.closed_reason == "closed_by_supervisor" else None
        return name, said or tr(closed_key(service.closed_reason), language)
    waiting = tr("services.waiting", language, count=service.waiting)
    if not service.served_now or service.eta_minutes is None:
        return name, f"{waiting} · {not_served(language, service.served_from_time, 'services')}"
    low, high = service.eta_minutes
    return name, f"{waiting} · {tr('services.wait_range', language, low=low, high=high)}"


class ServicesScreen(QWidget):
    """The services of the site in a two-column grid, plus the appointment check-in."""

    back = Signal()
    service_chosen = Signal(str)
    check_in = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.touch_px = touch_px
        self.language = "de"
        self.services: list[ServiceOut] = []
        self.buttons: dict[str, CardButton] = {}
        self.header = HeaderBar(touch_px)
        self.header.back.connect(self.back.emit)
        self.printer_notice = text_label(object_name="warning")
        self.printer_notice.hide()
        # The waiting room is full: newcomers may wait outside and follow their ticket on the phone.
        self.wait_outside_notice = text_label(object_name="notice")
        self.wait_outside_notice.hide()
        self.grid = QGridLayout()
        self.appointment = TouchButton(touch_px)
        self.appointment.setObjectName("appointment")
        self.appointment.clicked.connect(self.check_in.emit)
        self.visual_call = VisualCallSwitch(touch_px)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.printer_notice)
        layout.addWidget(self.wait_outside_notice)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.appointment)
        layout.addWidget(self.visual_call)

    def set_services(self, services: list[ServiceOut]) -> None:
        """Rebuild the buttons when the list changes; otherwise only update their texts."""
        if [s.id for s in services] != [s.id for s in self.services]:
            for button in self.buttons.values():
                button.deleteLater()
            self.buttons = {}
            for index, service in enumerate(services):
                button = CardButton(self.touch_px)
                button.setObjectName(f"service_{service.id}")
                button.clicked.connect(lambda _=False, sid=service.id: self.service_chosen.emit(sid))
                self.grid.addWidget(button, index // 2, index % 2)
                self.buttons[service.id] = button
        self.services = services
        self._render()

    def set_printer_ready(self, ready: bool) -> None:
        """Warn before the choice that the ticket will only be on screen."""
        self.printer_notice.setVisible(not ready)

    def retranslate(self, language: str) -> None:
        """Texts in the citizen's language."""
        self.language = language
        self.header.retranslate(language, "services.title")
        self.appointment.setText(tr("services.appointment", language))
        self.visual_call.retranslate(language)
        self.printer_notice.setText(tr("services.printer_notice", language))
        self.wait_outside_notice.setText(tr("services.wait_outside", language))
        self._render()

    def _render(self) -> None:
        # The flag is the site's (one waiting room); it only matters for services that take tickets.
        self.wait_outside_notice.setVisible(any(s.wait_outside and s.open for s in self.services))
        for service in self.services:
            button = self.buttons[service.id]
            button.set_lines(*service_lines(service, self.language))
            button.setEnabled(service.open)
