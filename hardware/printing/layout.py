"""The ticket layout: turns a `TicketPrintout` into ESC/POS bytes for one printer profile."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from escpos.capabilities import get_profile
from escpos.constants import QR_ECLEVEL_M
from escpos.magicencode import Encoder
from escpos.printer import Dummy
from PIL import Image

from aufruf.cldr import format_clock, format_day
from aufruf.logo import Logo, read_logo
from hardware.messages import plural_text, text
from hardware.printing.errors import PrinterError
from hardware.printing.raster import is_right_to_left, render_text
from hardware.printing.ticket import TicketPrintout

# Profiles from python-escpos's capability database, one per paper width we support.
PROFILE_FOR_PAPER = {80: "TM-T20II", 58: "POS-5890"}
DEFAULT_PROFILE = PROFILE_FOR_PAPER[80]
# Raster text is drawn at this pixel size, about the height of font A (12x24 dots).
RASTER_TEXT_SIZE = 24
BIG_NUMBER_SIZE = 6
# A logo spans at most the paper's width and a third of it in height (192 dots on 80 mm paper).
LOGO_HEIGHT_SHARE = 3


def resolve_profile(profile: str | None = None, paper_mm: int | None = None) -> str:
    """Pick a python-escpos profile name: the one given, else the one for the paper width."""
    if profile:
        try:
            get_profile(profile)
        except Exception as error:  # python-escpos raises a bare KeyError-like error
            raise PrinterError(f"Unknown printer profile {profile!r}") from error
        return profile
    if paper_mm is None:
        return DEFAULT_PROFILE
    if paper_mm not in PROFILE_FOR_PAPER:
        raise PrinterError(f"Paper width {paper_mm} mm is not supported; use 58 or 80")
    return PROFILE_FOR_PAPER[paper_mm]


@dataclass(frozen=True)
class PaperFormat:
    """What the layout needs to know about one printer profile."""

    profile: str

    @cached_property
    def _data(self) -> dict[str, Any]:
        return dict(get_profile(self.profile).profile_data)

    @property
    def width_px(self) -> int:
        """Printable width in dots; 384 when the profile does not say."""
        pixels = self._data.get("media", {}).get("width", {}).get("pixels")
        return pixels if isinstance(pixels, int) else 384

    @property
    def columns(self) -> int:
        """Characters per line in font A."""
        return int(get_profile(self.profile).get_columns("a"))

    @property
    def native_qr(self) -> bool:
        """Whether the printer draws QR codes itself (`GS ( k`)."""
        return bool(get_profile(self.profile).supports("qrCode"))


class _TicketWriter:
    """Writes one ticket into a python-escpos Dummy, choosing text or raster per line."""

    def __init__(self, paper: PaperFormat, language: str) -> None:
        self.paper = paper
        self.language = language
        # A fresh Dummy per ticket: the code page state starts unknown, so bytes are reproducible.
        self.out = Dummy(profile=paper.profile)
        self.encoder = Encoder(self.out.profile.get_code_pages())

    def printable_as_text(self, line: str) -> bool:
        """Tell whether the printer's own fonts and code pages can show a line correctly."""
        if is_right_to_left(line):
            return False  # code pages have no shaping or right-to-left layout
        return all(
            ord(char) < 128
            or any(self.encoder.can_encode(page, char) for page in self.encoder.codepages)
            for char in line
        )

    def line(self, content: str, *, bold: bool = False, width: int = 1, height: int = 1) -> None:
        """Print one centred paragraph as printer text, or as an image if it has to be."""
        if not content:
            return
        if self.printable_as_text(content):
            self.out.set(bold=bold, custom_size=True, width=width, height=height)
            wrapped = textwrap.wrap(content, max(1, self.paper.columns // width)) or [""]
            for part in wrapped:
                self.out.textln(part)
            self.out.set(bold=False, custom_size=True, width=1, height=1)
        else:
            size = RASTER_TEXT_SIZE * max(width, height)
            self.image(
                render_text(
                    content, width=self.paper.width_px, language=self.language, size=size, bold=bold
                )
            )

    def image(self, image: Image.Image) -> None:
        """Print a full-width image (GS v 0 raster, which every profile supports)."""
        self.out.image(image, impl="bitImageRaster", center=False)

    def logo(self, logo: Logo) -> None:
        """Print a logo fitted to the paper's width (no taller than a third of it), dithered, centred."""
        width = self.paper.width_px
        grey = logo.on_white(width, width // LOGO_HEIGHT_SHARE).convert("L")
        # Floyd-Steinberg keeps the shades of a coloured logo readable on a 1-bit printer.
        dots = grey.convert("1", dither=Image.Dither.FLOYDSTEINBERG)
        strip = Image.new("1", (width, dots.height), 1)
        strip.paste(dots, ((width - dots.width) // 2, 0))
        self.image(strip)

    def qr(self, content: str, *, native: bool) -> None:
        """Print the QR code natively, or as an image where the printer cannot."""
        # Modules of about 8 dots on 80 mm paper: large enough for old phone cameras.
        module = max(3, min(8, self.paper.width_px // 70))
        if native:
            self.out.qr(content, ec=QR_ECLEVEL_M, size=module, native=True)
            self.out.ln()
        else:
            self.out.qr(content, ec=QR_ECLEVEL_M, size=module, native=False, center=True)


def render_ticket(
    printout: TicketPrintout, *, profile: str = DEFAULT_PROFILE, native_qr: bool | None = None
) -> bytes:
    """Lay out a ticket as ESC/POS bytes; `native_qr=None`: `GS ( k` where the profile has it."""
    paper = PaperFormat(profile)
    lang = printout.language
    w = _TicketWriter(paper, lang)
    w.out.hw("INIT")
    w.out.set(align="center")
    if printout.logo is not None:
        w.logo(printout.logo if isinstance(printout.logo, Logo) else read_logo(printout.logo))
    w.line(printout.header, bold=True, height=2)
    w.out.ln()
    w.line(text("ticket.your_number", lang))
    big = max(1, min(BIG_NUMBER_SIZE, paper.columns // max(1, len(printout.number))))
    w.line(printout.number, bold=True, width=big, height=big)
    w.out.ln()
    w.line(printout.service_name, bold=True, height=2)
    if printout.location:
        w.line(printout.location)
    issued = printout.issued_at
    w.line(text("ticket.issued", lang, date=format_day(issued, lang), time=format_clock(issued, lang)))
    w.out.ln()
    w.line(plural_text("ticket.people_ahead", lang, printout.people_ahead))
    if printout.eta_minutes is not None:
        low, high = printout.eta_minutes
        if low == high:
            w.line(plural_text("ticket.wait_single", lang, low, minutes=low))
        else:
            w.line(plural_text("ticket.wait_range", lang, high, low=low, high=high))
    w.out.ln()
    w.qr(printout.status_url, native=paper.native_qr if native_qr is None else native_qr)
    w.line(text("ticket.scan_hint", lang))
    footer = text("ticket.footer", lang) if printout.footer is None else printout.footer
    if footer:
        w.out.ln()
        w.line(footer)
    w.out.cut()
    return w.out.output
