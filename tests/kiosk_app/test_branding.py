"""A kiosk at a branded site: the band with logo and name on screen, the logo and footer on the printed ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from hardware.printing.simulator import render_escpos
from kiosk_app.core import KioskCore
from kiosk_app.ui.window import KioskWindow
from tests.hardware.test_hardware_printing import decode_qr, printed_text, raster_images
from tests.kiosk_app.conftest import KioskFactory
from tests.kiosk_app.test_flow import draw
from tests.support.branding import FOOTERS, branded_office, svg_logo, write_logo
from tests.support.live_server import LiveServer, run_live_server


@pytest.fixture
def branded_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo office with a black 4:1 SVG logo and footers in de, en and ar, counters 1 and 3 open."""
    write_logo(tmp_path, "logo.svg", svg_logo(400, 100))
    with run_live_server(tmp_path, office=branded_office(tmp_path, "logo.svg")) as server:
        clerk = server.clerk_headers()
        for counter in ("1", "3"):
            httpx.post(server.api(f"/counters/{counter}/resume"), headers=clerk).raise_for_status()
        yield server


@pytest.fixture
def branded_kiosk(branded_server: LiveServer, make_core: KioskFactory, qtbot: QtBot) -> KioskWindow:
    """A kiosk window on the branded server, its logo fetched."""
    core: KioskCore = make_core(branded_server.url)
    window = KioskWindow(core, touch_px=48, guard_seconds=0)
    qtbot.addWidget(window)
    window.resize(1080, 1400)
    window.show()
    qtbot.waitExposed(window)

    def logo_fetched() -> bool:
        return core.branding.current is not None and core.branding.current.logo is not None

    qtbot.waitUntil(logo_fetched, timeout=10_000)
    return window


def test_the_band_shows_logo_and_name_in_the_office_colours(branded_kiosk: KioskWindow, qtbot: QtBot) -> None:
    band = branded_kiosk.band
    qtbot.waitUntil(lambda: band.isVisible() and band.logo.isVisible(), timeout=5_000)
    pixmap = band.logo.pixmap()
    assert not pixmap.isNull() and abs(pixmap.width() / pixmap.height() - 4) < 0.05
    assert band.name.text() == "Bürgeramt Mitte"
    shot = branded_kiosk.grab().toImage()
    logo = band.logo.geometry().translated(band.pos())
    centre = shot.pixelColor(logo.center())
    assert (centre.red(), centre.green(), centre.blue()) == (0, 0, 0)
    assert shot.pixelColor(band.geometry().left() + 2, band.geometry().center().y()) == QColor("#003a70")


@pytest.mark.parametrize(("language", "footer"), [("de", FOOTERS["de"]), ("en", FOOTERS["en"]), ("ru", FOOTERS["de"])])
def test_the_printed_ticket_carries_logo_footer_and_a_readable_qr(
    branded_kiosk: KioskWindow, qtbot: QtBot, language: str, footer: str
) -> None:
    draw(qtbot, branded_kiosk, language)
    issued = branded_kiosk.core.last_issued
    assert issued is not None and issued.receipt is not None
    data = issued.receipt.files[1].read_bytes()  # the raw job the printer received
    logo = raster_images(data)[0]
    # 80 mm paper: 576 dots wide; a 4:1 logo fills the width and is 144 dots high.
    assert (logo.width, logo.height) == (576, 144)
    assert logo.convert("L").getextrema() == (0, 0)  # all black
    assert printed_text(data).splitlines()[-1].strip() == footer
    assert decode_qr(render_escpos(data, profile="TM-T20II", banner=False)) == [issued.ticket.status_url]


def test_an_arabic_ticket_gets_the_arabic_footer(branded_kiosk: KioskWindow, qtbot: QtBot) -> None:
    draw(qtbot, branded_kiosk, "ar")
    issued = branded_kiosk.core.last_issued
    assert issued is not None and issued.receipt is not None
    printout = branded_kiosk.core._printout(issued.ticket)
    assert printout.footer == FOOTERS["ar"]
    data = issued.receipt.files[1].read_bytes()
    # Logo first, the footer (drawn right to left as an image) last.
    images = raster_images(data)
    assert (images[0].width, images[0].height) == (576, 144)
    assert images[-1].convert("L").getextrema() == (0, 255)
