"""The short screen after a phone ticket was checked in at the kiosk: the number and that it will be called."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk_app.texts import tr
from kiosk_app.ui.widgets import TouchButton, text_label
from server.tickets.schemas import TicketOut


class ArrivedScreen(QWidget):
    """"Welcome, you are checked in", the ticket's number and an OK button; nothing is printed."""

    done = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label(object_name="title", centred=True)
        self.number = text_label(object_name="number", centred=True)
        # Ticket numbers read left to right in every language.
        self.number.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.text = text_label(centred=True)
        self.ok = TouchButton(touch_px)
        self.ok.setObjectName("ok")
        self.ok.clicked.connect(self.done.emit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.number)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.ok)

    def show_ticket(self, ticket: TicketOut, language: str) -> None:
        """The checked-in ticket in the citizen's language."""
        self.title.setText(tr("arrived.title", language))
        self.number.setText(ticket.number)
        self.text.setText(tr("arrived.text", language, service=ticket.service_name))
        self.ok.setText(tr("message.ok", language))
