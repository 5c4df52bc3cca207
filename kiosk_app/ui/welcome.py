"""The start screen: a German welcome and one button per language, in its own name."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from aufruf.i18n import NATIVE_NAMES, is_rtl
from kiosk_app.texts import tr
from kiosk_app.ui.widgets import TouchButton, text_label


class WelcomeScreen(QWidget):
    """Welcome text in German; a language button per configured language."""

    language_chosen = Signal(str)
    large_text_toggled = Signal(bool)

    def __init__(self, touch_px: int, languages: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label(object_name="title", centred=True)
        self.prompt = text_label(centred=True)
        self.hint = text_label(centred=True)
        self.language_buttons: dict[str, TouchButton] = {}
        grid = QGridLayout()
        for index, language in enumerate(languages):
            button = TouchButton(touch_px, NATIVE_NAMES.get(language, language))
            button.setObjectName(f"language_{language}")
            button.setMinimumHeight(touch_px * 2)
            if is_rtl(language):
                # The name itself is Arabic script: let Qt shape it right to left.
                button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            button.clicked.connect(lambda _=False, lang=language: self.language_chosen.emit(lang))
            grid.addWidget(button, index // 2, index % 2)
            self.language_buttons[language] = button
        self.large_text = TouchButton(touch_px)
        self.large_text.setObjectName("large_text")
        self.large_text.setCheckable(True)
        self.large_text.toggled.connect(self.large_text_toggled.emit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.prompt)
        layout.addLayout(grid)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(self.large_text)

    def retranslate(self, language: str) -> None:
        """The welcome screen is German; the large-text button too, with English beside it."""
        self.title.setText(tr("welcome.title", "de") + "\n" + tr("welcome.title", "en"))
        self.prompt.setText(tr("welcome.prompt", "de") + " · " + tr("welcome.prompt", "en"))
        self.hint.setText(tr("welcome.hint", "de"))
        self.large_text.setText(tr("large_text", "de") + " · " + tr("large_text", "en"))
