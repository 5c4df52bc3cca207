"""The privacy curtain: a black cover over the kiosk window while the speech guide wants it dark."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class Curtain(QWidget):
    """Covers its parent completely; nothing of the citizen's choice is readable over a shoulder."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("privacy_curtain")
        self.setStyleSheet("#privacy_curtain { background: black; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.hide()
        parent.installEventFilter(self)

    def set_closed(self, closed: bool) -> None:
        """Dark (True) or see-through (False)."""
        if closed:
            self._cover()
            self.show()
            self.raise_()
        else:
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the parent's size."""
        if event.type() == QEvent.Type.Resize:
            self._cover()
        return False

    def _cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
