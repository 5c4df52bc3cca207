"""Appointment check-in: scan the booking QR code, or type the code on an on-screen keypad."""

from __future__ import annotations

import string

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk_app.texts import tr
from kiosk_app.ui.services import HeaderBar
from kiosk_app.ui.widgets import TouchButton, text_label

KEYS = string.digits + string.ascii_uppercase + "-"
COLUMNS = 10


class CheckInScreen(QWidget):
    """Instructions, the code typed so far and a keypad; scans arrive through the core."""

    back = Signal()
    key_pressed = Signal(str)
    submitted = Signal()

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = HeaderBar(touch_px)
        self.header.back.connect(self.back.emit)
        self.prompt = text_label()
        self.code = text_label(object_name="code", centred=True)
        # Booking codes are Latin letters and digits: keep them left to right in every language.
        self.code.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code.setMinimumHeight(touch_px)
        keypad = QWidget()
        keypad.setObjectName("keypad")
        keypad.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        grid = QGridLayout(keypad)
        self.keys: dict[str, TouchButton] = {}
        for index, key in enumerate(KEYS):
            button = TouchButton(touch_px, key)
            button.setObjectName(f"key_{key}")
            button.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
            grid.addWidget(button, index // COLUMNS, index % COLUMNS)
            self.keys[key] = button
        self.delete = TouchButton(touch_px)
        self.delete.setObjectName("delete")
        self.delete.clicked.connect(lambda: self.key_pressed.emit("\b"))
        self.submit = TouchButton(touch_px)
        self.submit.setObjectName("submit")
        self.submit.clicked.connect(self.submitted.emit)
        actions = QHBoxLayout()
        actions.addWidget(self.delete)
        actions.addWidget(self.submit, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.prompt)
        layout.addWidget(self.code)
        layout.addWidget(keypad, 1)
        layout.addLayout(actions)

    def set_code(self, code: str) -> None:
        """Show the code typed so far."""
        self.code.setText(code)
        self.submit.setEnabled(bool(code))

    def retranslate(self, language: str) -> None:
        """Texts in the citizen's language."""
        self.header.retranslate(language, "checkin.title")
        self.prompt.setText(tr("checkin.prompt", language))
        self.delete.setText(tr("checkin.delete", language))
        self.submit.setText(tr("checkin.submit", language))
