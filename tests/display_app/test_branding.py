"""The Qt display offscreen on a branded site: the logo is drawn in the band, in the office's colours."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from tests.display_app.conftest import RunningDisplay
from tests.support.branding import branded_office, png_logo, svg_logo, write_logo
from tests.support.live_server import run_live_server


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_the_display_draws_the_logo_in_the_band(
    make_display: Callable[..., RunningDisplay], qtbot: QtBot, tmp_path: Path, kind: str
) -> None:
    name = f"logo.{kind}"
    # A black 4:1 logo: its pixels are easy to find on the blue band.
    write_logo(tmp_path, name, svg_logo(400, 100) if kind == "svg" else png_logo(400, 100))
    with run_live_server(tmp_path, office=branded_office(tmp_path, name)) as server:
        display = make_display(server.url, audio="none")
        window = display.window
        qtbot.waitUntil(lambda: window.logo.isVisible(), timeout=10_000)
        pixmap = window.logo.pixmap()
        assert not pixmap.isNull()
        assert abs(pixmap.width() / pixmap.height() - 4) < 0.05
        assert pixmap.height() >= 24
        shot = window.grab().toImage()
        shot.save(str(tmp_path / f"qt-branded-{kind}.png"))
        logo = window.logo.geometry().translated(window.band.pos())
        centre = shot.pixelColor(logo.center())
        assert (centre.red(), centre.green(), centre.blue()) == (0, 0, 0)
        # The band beside the logo is the office's blue; the office name is white on it.
        band = window.band.geometry()
        edge = shot.pixelColor(band.left() + 3, band.center().y())
        assert edge == QColor("#003a70")
        assert window.site_name.palette().color(window.site_name.foregroundRole()) == QColor("#ffffff")
        assert window.site_name.text() == "Bürgeramt Mitte"
