"""Small building blocks of the display screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from aufruf.i18n import is_rtl


def font(pixels: int, *, bold: bool = False) -> QFont:
    """A font of a given pixel size (the layout is in pixels, from the window's height)."""
    result = QFont(["DejaVu Sans", "Noto Sans", "Noto Sans Arabic"])
    result.setPixelSize(max(1, pixels))
    result.setBold(bold)
    return result


def absolute(align: Qt.AlignmentFlag, rtl: bool) -> Qt.AlignmentFlag:
    """Reading start or end as a fixed side: Qt would align a Latin text left even on an Arabic screen."""
    if align & Qt.AlignmentFlag.AlignTrailing:
        side = Qt.AlignmentFlag.AlignLeft if rtl else Qt.AlignmentFlag.AlignRight
    else:
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignAbsolute


class NumberLabel(QLabel):
    """A label that says when it has painted a text, so latency can be measured on screen."""

    painted = Signal(str)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint, then report what is now visible."""
        super().paintEvent(event)
        if self.text():
            self.painted.emit(self.text())


class Multilingual(QWidget):
    """A text in the main language, with the other languages smaller beneath it."""

    def __init__(
        self, parent: QWidget | None = None, *, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeading
    ) -> None:
        super().__init__(parent)
        self.align = align
        self.primary = QLabel(self)
        self.secondary = QLabel(self)
        self.secondary.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for label in (self.primary, self.secondary):
            label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(label)
        # Five more languages make a long line: it wraps instead of widening the screen.
        self.secondary.setWordWrap(True)

    def set_texts(self, texts: list[tuple[str, str]]) -> None:
        """`[(language, text), …]`; repeats of the main text are left out."""
        first_language, first = texts[0]
        self.primary.setText(first)
        self.primary.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl(first_language) else Qt.LayoutDirection.LeftToRight
        )
        side = absolute(self.align, self.isRightToLeft()) | Qt.AlignmentFlag.AlignVCenter
        for label in (self.primary, self.secondary):
            label.setAlignment(side)
        rest = list(dict.fromkeys(text for _lang, text in texts[1:] if text and text != first))
        self.secondary.setText(" · ".join(rest))
        self.secondary.setVisible(bool(rest))

    def set_sizes(self, primary: int, secondary: int, *, bold: bool = True) -> None:
        """Font sizes of both lines."""
        self.primary.setFont(font(primary, bold=bold))
        self.secondary.setFont(font(secondary))
