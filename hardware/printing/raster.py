"""Text the printer's code pages cannot show, drawn as a 1-bit image line with Pillow."""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from aufruf.i18n import normalise_language

log = logging.getLogger(__name__)

# DejaVu Sans (fonts-dejavu-core) covers Latin, Turkish, Cyrillic and Arabic with shaping
# tables, so one font also handles mixed lines such as an Arabic sentence with "A017".
_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


def is_right_to_left(text: str) -> bool:
    """Tell whether a text holds right-to-left letters (Arabic, Hebrew, …)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


@cache
def has_complex_layout() -> bool:
    """Tell whether Pillow can shape and reorder text (libraqm), which Arabic needs."""
    available = bool(features.check("raqm"))
    if not available:
        log.warning("Pillow has no libraqm: Arabic ticket lines will not be shaped correctly")
    return available


@cache
def font_path(bold: bool = False) -> Path | None:
    """Find the Debian font file used for raster text."""
    path = _FONT_DIR / _FONTS[bold]
    if path.is_file():
        return path
    log.warning("Font %s not found; install fonts-dejavu-core", path)
    return None


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(bold)
    if path is None:
        return ImageFont.load_default(size)
    layout = ImageFont.Layout.RAQM if has_complex_layout() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


def _wrap(text: str, width: int, draw: ImageDraw.ImageDraw, **style: object) -> list[str]:
    """Break text into lines no wider than `width` pixels, at spaces."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, **style) > width:  # type: ignore[arg-type]
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def render_text(
    text: str, *, width: int, language: str, size: int = 26, bold: bool = False
) -> Image.Image:
    """Draw text centred on a white strip `width` pixels wide, wrapped and shaped per language."""
    style: dict[str, object] = {"font": _font(bold, size)}
    # Only raqm understands direction and language; the basic layout engine rejects them.
    if has_complex_layout():
        direction = "rtl" if is_right_to_left(text) else "ltr"
        style.update(direction=direction, language=normalise_language(language))
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    lines = _wrap(text, width - 8, probe, **style)
    line_height = int(size * 1.45)
    image = Image.new("1", (width, line_height * len(lines)), 1)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text(
            (width / 2, index * line_height + line_height / 2),
            line,
            fill=0,
            anchor="mm",
            **style,  # type: ignore[arg-type]
        )
    return image
