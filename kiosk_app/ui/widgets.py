"""Building blocks: buttons that are always big enough to touch, and wrapped labels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


class TouchButton(QPushButton):
    """A push button never smaller than the touch target in either direction."""

    def __init__(self, touch_px: int, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setMinimumSize(touch_px, touch_px)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no keyboard: keys go to the wedge scanner
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)


class CardButton(TouchButton):
    """A touch button with a bold first line and a wrapped second line (name and figures)."""

    def __init__(self, touch_px: int, parent: QWidget | None = None) -> None:
        super().__init__(touch_px, "", parent)
        self.heading = text_label(object_name="service_name")
        self.detail = text_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.detail)
        for label in (self.heading, self.detail):
            # The button itself takes the touch.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setMinimumHeight(max(touch_px * 2, 2 * touch_px))

    def set_lines(self, heading: str, detail: str) -> None:
        """Show a name and a detail line; screen readers get both."""
        self.heading.setText(heading)
        self.detail.setText(detail)
        self.setAccessibleName(f"{heading}. {detail}")


def text_label(text: str = "", *, object_name: str = "", centred: bool = False) -> QLabel:
    """A word-wrapped label, optionally styled by object name."""
    label = QLabel(text)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    if centred:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
