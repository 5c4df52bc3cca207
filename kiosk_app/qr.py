"""The ticket's QR code as a QPixmap, for citizens who prefer to photograph the screen."""

from __future__ import annotations

import io

import qrcode
from PySide6.QtGui import QPixmap


def qr_pixmap(text: str, *, box_pixels: int = 8) -> QPixmap:
    """Render `text` as a black-on-white QR code with the standard quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_pixels, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    pixmap = QPixmap()
    if not pixmap.loadFromData(buffer.getvalue(), "PNG"):
        raise ValueError("could not load the rendered QR code")
    return pixmap
