"""The band across the top of the kiosk with the office's logo and name, in the office's colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from client.branding import Branding, logo_pixmap


class BrandBand(QFrame):
    """Hidden until the office file brands the site; then logo and name on the office's colours."""

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("band")
        self.logo_height = touch_px
        self.logo = QLabel(self)
        self.logo.setObjectName("logo")
        self.name = QLabel(self)
        self.name.setObjectName("band_name")
        layout = QHBoxLayout(self)
        layout.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.name, 1, Qt.AlignmentFlag.AlignVCenter)
        self.setVisible(False)

    def set_branding(self, branding: Branding | None, office_name: str) -> None:
        """Show the office's band, or hide it when the site has no branding."""
        self.setVisible(branding is not None)
        if branding is None:
            return
        # Checked at 7:1 by the office file's validation, like every pair of the kiosk's own style.
        self.setStyleSheet(
            f"QFrame#band {{ background: {branding.background}; }}"
            f"QFrame#band QLabel {{ color: {branding.text}; background: transparent; font-weight: bold; }}"
            # Logos are drawn for paper: they sit on a white plate, whatever the band's colour.
            "QFrame#band QLabel#logo { background: #ffffff; padding: 4px; border-radius: 6px; }"
        )
        self.name.setText(office_name)
        self.logo.setVisible(branding.logo is not None)
        if branding.logo is not None:
            self.logo.setPixmap(logo_pixmap(branding.logo, self.logo_height * 4, self.logo_height))
