"""Branded tickets at the wire: the logo's raster decoded back, the QR still read, footers per language."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from aufruf.i18n import own_or_german
from aufruf.logo import Logo
from hardware.cli import app
from hardware.printing import open_printer, reference_printout
from hardware.printing.simulator import render_escpos
from hardware.printing.ticket import TicketPrintout
from tests.hardware.test_hardware_printing import decode_qr, printed_text, raster_images
from tests.support.branding import FOOTERS, png_logo, svg_logo, write_logo

# Printable width in dots: 576 on 80 mm paper (TM-T20II), 384 on 58 mm (POS-5890).
PAPERS = {80: ("TM-T20II", 576), 58: ("POS-5890", 384)}


def print_to_file(printout: TicketPrintout, tmp_path: Path, paper_mm: int) -> bytes:
    """Print through the real printer path into a file, as a printer device would receive it."""
    target = tmp_path / f"ticket-{paper_mm}.bin"
    printer = open_printer(f"file://{target}", paper_mm=paper_mm)
    printer.print_ticket(printout, check_status=False)
    return target.read_bytes()


def black_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of the black dots of a raster image."""
    inverted = Image.eval(image.convert("L"), lambda v: 255 - v)
    return inverted.getbbox()


# (logo file, its proportions) → (left, width, height) in dots, worked out by hand from the rule:
# as wide as the paper, at most a third of the paper's width high, centred.
CASES = [
    ("wide.svg", svg_logo(400, 100), 80, (0, 576, 144)),
    ("wide.svg", svg_logo(400, 100), 58, (0, 384, 96)),
    ("square.png", png_logo(50, 50), 80, (192, 192, 192)),
    ("square.png", png_logo(50, 50), 58, (128, 128, 128)),
    ("banner.png", png_logo(300, 50), 80, (0, 576, 96)),
    ("tall.svg", svg_logo(100, 200), 58, (160, 64, 128)),
]


@pytest.mark.parametrize(("name", "content", "paper_mm", "expected"), CASES)
def test_logo_is_fitted_centred_and_the_qr_still_decodes(
    tmp_path: Path, name: str, content: str | bytes, paper_mm: int, expected: tuple[int, int, int]
) -> None:
    logo_file = write_logo(tmp_path, name, content)
    printout = replace(reference_printout("de"), logo=logo_file)
    data = print_to_file(printout, tmp_path, paper_mm)
    _, width = PAPERS[paper_mm]
    images = raster_images(data)
    logo = images[0]  # the logo comes first, above the office's name
    assert logo.width == width
    left, logo_width, logo_height = expected
    assert logo.height == logo_height
    assert black_box(logo) == (left, 0, left + logo_width, logo_height)
    # The logo heads the ticket: its raster comes before the number.
    assert data.index(b"\x1dv0") < data.index(b"A017")
    paper = render_escpos(data, profile=PAPERS[paper_mm][0], banner=False)
    assert decode_qr(paper) == [printout.status_url]


def test_a_coloured_logo_is_dithered_not_thresholded(tmp_path: Path) -> None:
    # Mid grey (luminance about 50 %) must print as a mix of dots, not all white or all black.
    logo_file = write_logo(tmp_path, "grey.png", png_logo(96, 32, (128, 128, 128)))
    data = print_to_file(replace(reference_printout("de"), logo=logo_file), tmp_path, 80)
    logo = raster_images(data)[0]
    histogram = logo.convert("L").histogram()
    black, white = histogram[0], histogram[255]
    share = black / (black + white)
    assert 0.35 < share < 0.65, share


def test_a_logo_from_the_server_prints_like_one_from_a_file(tmp_path: Path) -> None:
    svg = svg_logo(400, 100)
    from_file = print_to_file(replace(reference_printout("de"), logo=write_logo(tmp_path, "a.svg", svg)), tmp_path, 80)
    sent = Logo(data=svg.encode(), media_type="image/svg+xml")
    from_bytes = print_to_file(replace(reference_printout("de"), logo=sent), tmp_path, 80)
    assert from_file == from_bytes


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", FOOTERS["de"]), ("en", FOOTERS["en"]), ("tr", FOOTERS["de"]), ("de-x-ls", FOOTERS["de"])],
)
def test_footer_in_the_tickets_language_with_german_fallback(tmp_path: Path, language: str, expected: str) -> None:
    printout = replace(reference_printout(language), footer=own_or_german(FOOTERS, language))
    data = print_to_file(printout, tmp_path, 80)
    lines = printed_text(data).splitlines()
    assert lines[-1].strip() == expected


def test_arabic_footer_is_a_shaped_right_to_left_raster_line(tmp_path: Path) -> None:
    plain = print_to_file(reference_printout("ar"), tmp_path, 80)
    branded = print_to_file(replace(reference_printout("ar"), footer=own_or_german(FOOTERS, "ar")), tmp_path, 80)
    before, after = raster_images(plain), raster_images(branded)
    assert len(after) == len(before)  # one footer line replaced by another, both drawn as images
    footer = after[-1]
    assert footer.tobytes() != before[-1].tobytes()
    box, standard = black_box(footer), black_box(before[-1])
    assert box is not None and standard is not None
    # The office's short Arabic footer is narrower than the standard sentence, and centred.
    left, _, right, _ = box
    assert right - left < standard[2] - standard[0]
    assert abs((left + right) / 2 - footer.width / 2) < 8


def test_printer_test_command_prints_a_logo_and_refuses_a_broken_one(tmp_path: Path) -> None:
    logo_file = write_logo(tmp_path, "logo.svg", svg_logo(100, 100))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["test", f"sim://{out}", "--paper", "58", "--logo", str(logo_file)])
    assert result.exit_code == 0, result.output
    logo = raster_images(next(out.glob("*.bin")).read_bytes())[0]
    # A square on 58 mm paper: 128 dots, centred on the 384-dot line.
    assert black_box(logo) == (128, 0, 256, 128)
    broken = write_logo(tmp_path, "broken.svg", "<svg")
    result = CliRunner().invoke(app, ["test", f"sim://{out}", "--logo", str(broken)])
    assert result.exit_code == 1
    assert "broken.svg: the SVG cannot be rendered" in result.output
