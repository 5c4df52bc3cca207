"""What follows a touch: the printing wait, the ticket on screen, or a short message."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aufruf.i18n import is_rtl
from kiosk_app.qr import qr_pixmap
from kiosk_app.states import Issued, Message
from kiosk_app.texts import not_served, people_ahead, tr
from kiosk_app.ui.widgets import TouchButton, text_label


class IssuingScreen(QWidget):
    """Shown while the server issues the ticket and the printer prints it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label(object_name="title", centred=True)
        self.text = text_label(centred=True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def retranslate(self, language: str) -> None:
        """Texts in the citizen's language."""
        self.title.setText(tr("issuing.title", language))
        self.text.setText(tr("issuing.text", language))


class ConfirmationScreen(QWidget):
    """The number, people ahead and wait, the ticket's QR code and whether it printed."""

    done = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # "Checked in for your appointment", only for a booking's ticket.
        self.appointment = text_label(object_name="notice", centred=True)
        self.appointment.hide()
        self.heading = text_label(centred=True)
        self.number = text_label(object_name="number", centred=True)
        # Ticket numbers such as A017 read left to right in every language.
        self.number.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.service = text_label(object_name="service_name", centred=True)
        self.ahead = text_label(centred=True)
        self.qr = QLabel()
        self.qr.setObjectName("qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The waiting room is full: the citizen may wait outside and follow the ticket by phone.
        self.wait_outside = text_label(object_name="notice", centred=True)
        self.wait_outside.hide()
        self.status = text_label(centred=True)
        self.countdown = text_label(centred=True)
        self.done_button = TouchButton(touch_px)
        self.done_button.setObjectName("done")
        self.done_button.clicked.connect(self.done.emit)
        facts = QVBoxLayout()
        facts.addStretch(1)
        for widget in (self.appointment, self.heading, self.number, self.service, self.ahead):
            facts.addWidget(widget)
        facts.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(facts, 3)
        row.addWidget(self.qr, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.wait_outside)
        layout.addWidget(self.status)
        layout.addWidget(self.countdown)
        layout.addWidget(self.done_button)

    def show_ticket(self, issued: Issued) -> None:
        """Fill in one issued ticket."""
        ticket, language = issued.ticket, issued.language
        self.appointment.setText(tr("ticket.appointment", language) if issued.appointment else "")
        self.appointment.setVisible(issued.appointment)
        self.heading.setText(tr("ticket.your_number", language))
        self.number.setText(ticket.number)
        self.service.setText(issued.service_name)
        if ticket.served_now or ticket.status != "waiting":
            self.ahead.setText(people_ahead(language, ticket.people_ahead, ticket.eta_minutes))
        else:
            self.ahead.setText(not_served(language, ticket.served_from_time, "ticket"))
        self.qr.setPixmap(qr_pixmap(ticket.status_url or ticket.number, box_pixels=10))
        self.wait_outside.setText(tr("ticket.wait_outside", language) if issued.wait_outside else "")
        self.wait_outside.setVisible(issued.wait_outside)
        if issued.printed:
            self.status.setObjectName("")
            self.status.setText(tr("ticket.printed", language))
        else:
            self.status.setObjectName("warning")
            reason = tr(issued.fault or "printer.unknown", language)
            self.status.setText(tr("ticket.printer_fault", language, reason=reason))
        # Object names select style rules: re-apply after changing them.
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.done_button.setText(tr("ticket.done", language))

    def set_seconds_left(self, language: str, seconds: int) -> None:
        """Tell how soon the screen goes back to the start."""
        self.countdown.setText(tr("ticket.returning", language, seconds=seconds) if seconds else "")


class MessageScreen(QWidget):
    """A short notice (unknown booking code, closed service) with an OK button."""

    done = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text_label(object_name="title", centred=True)
        self.ok = TouchButton(touch_px)
        self.ok.setObjectName("ok")
        self.ok.clicked.connect(self.done.emit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.ok)

    def show_message(self, message: Message) -> None:
        """Show one message in the citizen's language."""
        self.text.setText(tr(message.key, message.language))
        self.ok.setText(tr("message.ok", message.language))


class OutOfOrderScreen(QWidget):
    """Out of order, in every kiosk language at once: nobody has chosen one yet."""

    def __init__(self, languages: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.languages = languages
        self.blocks: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for language in languages:
            label = text_label(object_name="title" if language == "de" else f"out_of_order_{language}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            # Each block reads in its own direction, whatever the kiosk's current language.
            rtl = is_rtl(language)
            label.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
            layout.addWidget(label)
            self.blocks[language] = label
        layout.addStretch(1)

    def show_state(self, *, pending: bool) -> None:
        """Say what is wrong, what to do, and whether a ticket is still coming."""
        for language, label in self.blocks.items():
            lines = [tr("out_of_order.title", language), tr("out_of_order.text", language)]
            if pending:
                lines.append(tr("out_of_order.pending", language))
            label.setText("\n".join(lines) if language == "de" else " ".join(lines))
