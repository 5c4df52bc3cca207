"""The "I cannot hear the calls" switch on the services screen."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk_app.texts import tr
from kiosk_app.ui.widgets import TouchButton


class VisualCallSwitch(TouchButton):
    """A checkable button: the ticket's call is shown longer and larger, and the phone vibrates."""

    chosen = Signal(bool)

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(touch_px, "", parent)
        self.setObjectName("visual_call")
        self.setCheckable(True)
        self.toggled.connect(self.chosen.emit)

    def retranslate(self, language: str) -> None:
        """The label in the citizen's language."""
        self.setText(tr("services.visual_call", language))
        self.setAccessibleName(self.text())

    def show_choice(self, on: bool) -> None:
        """Follow the core (reset for the next citizen) without echoing back."""
        if self.isChecked() != on:
            self.blockSignals(True)
            self.setChecked(on)
            self.blockSignals(False)
