"""Logos drawn for the tests and the demo office with branding, so expectations do not come from the code."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from server.demo import demo_office
from server.office.branding import BrandingConfig
from server.office.schema import OfficeConfig

# The band colours: white on a dark blue, about 11.4:1.
BAND_BACKGROUND = "#003a70"
BAND_TEXT = "#ffffff"
FOOTERS = {"de": "Vielen Dank für Ihren Besuch", "en": "Thank you for your visit", "ar": "شكرا لزيارتكم"}


def svg_logo(width: int, height: int) -> str:
    """A solid black SVG of the given proportions: every dot of it prints black."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#000000"/></svg>'
    )


def png_logo(width: int, height: int, colour: tuple[int, int, int] = (0, 0, 0)) -> bytes:
    """A solid PNG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def write_logo(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a logo file beside where an office file would be."""
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def branded_office(folder: Path, logo: str | None, **branding: object) -> OfficeConfig:
    """The demo office with `[sites.branding]` as an office file in `folder` would give it."""
    values: dict[str, object] = {"background": BAND_BACKGROUND, "text": BAND_TEXT, "footer": FOOTERS, **branding}
    if logo is not None:
        values["logo"] = logo
    config = BrandingConfig.model_validate(values, context={"base_dir": folder})
    office = demo_office()
    site = office.sites[0].model_copy(update={"branding": config})
    return office.model_copy(update={"sites": [site]})
