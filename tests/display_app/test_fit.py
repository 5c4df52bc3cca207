"""The Qt display fits every common screen with one to six languages: nothing cut off, the number legible.

The screen is filled from a snapshot of the example office (seven services, six earlier calls, the
names in all six languages), so every row the display can show is on screen.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from display_app.audio.players import SilentPlayer
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.core.layout import px_per_mm
from display_app.widgets.window import DisplayWindow

OFFICE = tomllib.loads((Path(__file__).parents[2] / "examples" / "buergeramt.toml").read_text(encoding="utf-8"))
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (3840, 2160), (1080, 1920)]
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru")
# Screenshots for people to look at; AUFRUF_SCREENS chooses where they go.
SCREENS = Path(os.environ.get("AUFRUF_SCREENS") or tempfile.gettempdir()) / "aufruf-screens"


def snapshot() -> dict[str, Any]:
    site = OFFICE["sites"][0]
    services = [
        {"id": s["id"], "names": s["names"], "waiting": 12, "eta_minutes": [25, 40], "open": True}
        for s in site["services"]
    ]
    where = {lang: "Raum 110 · 1. OG · Treppe hoch, dann rechts" for lang in LANGUAGES}
    calls = [
        {"number": f"{s['prefix']}{117 - i:03d}", "counter": str(8 - i), "counter_name": f"Schalter {8 - i}",
         "service": s["id"], "recalls": 1 if i == 2 else 0, "language": "uk", "counter_location": where}
        for i, s in enumerate(site["services"])
    ]
    return {"type": "snapshot", "seq": 1, "data": {
        "site": {"name": site["name"], "timezone": site["timezone"]}, "services": services,
        "counters": [], "calls": calls}}


def show(qtbot: QtBot, size: tuple[int, int], languages: tuple[str, ...]) -> DisplayWindow:
    config = DisplayConfig(languages=languages, diagonal_inches=55, ticker="Heute bis 18 Uhr geöffnet")
    controller = DisplayController(config, player=SilentPlayer(), render=lambda announcement: None)  # type: ignore[arg-type,return-value]
    window = DisplayWindow(controller, config)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    controller.on_snapshot(snapshot())
    controller.on_connection(False)  # the offline mark is up, too
    qtbot.waitUntil(lambda: window.size().width() == size[0] and window.size().height() == size[1], timeout=2000)
    return window


def inside(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def clipped_labels(window: DisplayWindow) -> list[str]:
    """Visible labels that Qt says need more room than they got (wrapped ones: more height)."""
    out = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text():
            continue
        if label.wordWrap():
            needed, got = label.heightForWidth(label.width()), label.height()
        else:
            needed, got = label.sizeHint().width(), label.width()
            if label.textFormat() != Qt.TextFormat.RichText and "<" not in label.text():
                needed = max(needed, QFontMetrics(label.font()).horizontalAdvance(label.text()))
        if needed > got + 2:
            out.append(f"{label.text()[:30]!r}: {needed} > {got}")
    return out


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6])
def test_everything_fits_and_the_number_stays_legible(qtbot: QtBot, size: tuple[int, int], count: int) -> None:
    window = show(qtbot, size, LANGUAGES[:count])
    assert (window.width(), window.height()) == size, "the window would not shrink to the screen"
    screen = window.rect()
    for widget in window.findChildren(QWidget):
        if widget.isVisibleTo(window):
            assert screen.contains(inside(window, widget)), f"{widget.objectName() or widget} leaves the screen"
    # Every service row and every earlier call is shown, none cut off at the bottom.
    rows = [frame for frame, *_ in window.line_widgets if frame.isVisibleTo(window)]
    assert len(rows) == 7
    recent = [row for row in window.recent_rows if row.isVisibleTo(window)]
    assert len(recent) == 6
    panel = inside(window, window.recent_panel)
    for row in recent:
        assert panel.contains(inside(window, row))
    assert clipped_labels(window) == []
    # The offline mark covers no row.
    mark = inside(window, window.offline)
    assert window.offline.isVisible()
    for widget in [*rows, *recent, window.ticker]:
        assert not mark.intersects(inside(window, widget)), "the offline mark covers a row"
    # Legibility: 12 mm per metre at 6 m on a 55-inch screen.
    assert window.number_cap_height() >= 72 * px_per_mm(size[0], size[1], 55)
    if size == (1280, 720) and count == 6:
        SCREENS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENS / "qt-1280x720-six-languages.png"))


def test_arabic_first_puts_the_office_name_right_and_the_clock_left(qtbot: QtBot) -> None:
    window = show(qtbot, (1280, 720), ("ar", "de", "en", "tr", "uk", "ru"))
    image = window.grab().toImage()
    SCREENS.mkdir(parents=True, exist_ok=True)
    image.save(str(SCREENS / "qt-1280x720-arabic-first.png"))

    def ink(label: QLabel) -> tuple[int, int]:
        """Leftmost and rightmost column where the label's text was really painted (light pixels)."""
        box = inside(window, label)
        columns = [x for x in range(box.left(), box.right()) for y in range(box.top(), box.bottom(), 2)
                   if image.pixelColor(x, y).lightness() > 180]
        return min(columns), max(columns)

    name_left, name_right = ink(window.site_name)
    clock_left, clock_right = ink(window.clock)
    # Read from the right: the office name ends at the right margin, the clock starts at the left one.
    assert window.width() - name_right < 0.05 * window.width()
    assert clock_left < 0.05 * window.width()
    assert clock_right < name_left
