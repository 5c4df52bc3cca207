"""The Qt display offscreen against a live server: screenshots, calls, announcements, restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from display_app.core.layout import px_per_mm
from hardware.audio import chime, gong, rms
from server.clock import ManualClock
from tests.display_app.conftest import RunningDisplay
from tests.display_page.calls import Office
from tests.support.live_server import LiveServer, free_port, run_live_server


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_screenshot_and_number_size(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], qtbot: QtBot, tmp_path: Path,
    width: int, height: int,
) -> None:
    display = make_display(live_server.url, size=(width, height), ticker="Heute bis 18 Uhr geöffnet", audio="none")
    window = display.window
    office = Office(live_server)
    number = office.draw()
    with qtbot.waitSignal(display.controller.presented, timeout=3000):
        office.call_next("3")
    qtbot.waitUntil(lambda: window.number.text() == number, timeout=1000)
    image = window.grab()
    image.save(str(tmp_path / f"qt-{height}p.png"))
    assert (image.width(), image.height()) == (window.width(), window.height())
    # 12 mm per metre at 6 m on a 55-inch screen, measured with the real font's cap height.
    required = 72 * px_per_mm(window.width(), window.height(), 55)
    assert window.number_cap_height() >= required
    assert window.number_cap_height() >= 0.14 * window.height()  # and large on the screen
    # Number and counter fit inside the panel, side by side.
    panel = window.current_panel.geometry()
    for label in (window.number, window.counter):
        text_width = QFontMetrics(label.font()).horizontalAdvance(label.text())
        assert label.mapTo(window, label.rect().topLeft()).x() >= panel.left()
        assert label.mapTo(window, label.rect().topLeft()).x() + text_width <= panel.right() + 1
    assert window.counter.text() == "3"
    assert window.ticker.isVisible() and window.ticker.geometry().bottom() <= window.height()
    assert not window.offline.isVisible()
    assert len([f for f, *_ in window.line_widgets if f.isVisible()]) == 7


def test_several_calls_in_one_second_are_shown_and_announced_in_order(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], qtbot: QtBot
) -> None:
    display = make_display(live_server.url, languages=("de", "en"), recent=4)
    office = Office(live_server)
    numbers = [office.draw() for _ in range(3)]
    presented: list[str] = []
    display.controller.presented.connect(lambda call: presented.append(call.number))
    for counter in ("1", "2", "3"):
        office.call_next(counter)
    qtbot.waitUntil(lambda: presented == numbers, timeout=3000)
    assert display.window.number.text() == numbers[-1]
    assert [row.number.text() for row in display.window.recent_rows[:2]] == [numbers[1], numbers[0]]
    queue = display.controller.queue
    qtbot.waitUntil(lambda: sum(len(a.calls) for a in queue.finished) == 3, timeout=60000)
    # In call order, each once; calls that came together are spoken together in the short form.
    assert [c.number for a in queue.finished for c in a.calls] == numbers
    files = iter(display.player.written)
    for announcement in queue.finished:
        if not announcement.chime:
            assert next(files).read_bytes() == gong()  # a call alone whose gong was followed by others
        if len(announcement.clips or []) == 1:
            # Calls that queued up: one clip, the short chime (unless right after the gong), then the calls.
            clip = next(files).read_bytes()
            if announcement.chime:
                assert clip[44 : 44 + len(chime()) - 44] == chime()[44:]
            assert rms(clip) > 300
            continue
        assert next(files).read_bytes() == gong()
        for _ in range(announcement.played - 1):  # German, English unless others waited
            assert rms(next(files).read_bytes()) > 300
    assert next(files, None) is None


def test_restart_is_survived_without_a_stale_or_lost_call(
    make_display: Callable[..., RunningDisplay], qtbot: QtBot, tmp_path: Path
) -> None:
    port = free_port()
    data = tmp_path / "server"
    data.mkdir()
    with run_live_server(data, port=port) as server:
        display = make_display(server.url, audio="none")
        office = Office(server)
        first = office.draw()
        with qtbot.waitSignal(display.controller.presented, timeout=3000):
            office.call_next("2")
        qtbot.waitUntil(lambda: len(display.controller.queue.finished) == 1, timeout=30000)
    qtbot.waitUntil(lambda: not display.controller.online, timeout=10000)
    qtbot.waitUntil(display.window.offline.isVisible, timeout=2000)
    presented: list[str] = []
    display.controller.presented.connect(lambda call: presented.append(call.number))
    with run_live_server(data, port=port) as server:
        qtbot.waitUntil(lambda: display.controller.online, timeout=20000)
        qtbot.waitUntil(lambda: not display.window.offline.isVisible(), timeout=2000)
        # The snapshot brings the old call back on screen, but not as a new one.
        assert display.window.number.text() == first
        assert presented == []
        office = Office(server)
        second = office.draw()
        office.call_next("4")
        qtbot.waitUntil(lambda: presented == [second], timeout=3000)
        assert display.window.recent_rows[0].number.text() == first
        qtbot.waitUntil(lambda: len(display.controller.queue.finished) == 2, timeout=30000)
    assert [a.call.number for a in display.controller.queue.finished] == [first, second]


def test_right_to_left_when_arabic_leads(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], tmp_path: Path
) -> None:
    display = make_display(live_server.url, languages=("ar", "de"), audio="none")
    window = display.window
    assert window.isRightToLeft()
    assert window.arrow.text() == "←"
    assert window.number_head.primary.text() == "الرقم"
    # Mirrored: the recent calls sit on the left.
    assert window.recent_panel.geometry().left() < window.current_panel.geometry().left()
    window.grab().save(str(tmp_path / "qt-rtl.png"))


def test_calls_missed_while_reconnecting_are_announced_in_order_and_older_ones_shown_silently(
    make_display: Callable[..., RunningDisplay], qtbot: QtBot, tmp_path: Path
) -> None:
    clock = ManualClock(datetime.now(UTC))
    data = tmp_path / "server"
    data.mkdir()
    with run_live_server(data, clock=clock) as server:
        display = make_display(server.url, audio="none", recent=6)
        office = Office(server)
        numbers = [office.draw() for _ in range(4)]
        display.bridge.stop()  # the display loses its connection; the office goes on calling
        qtbot.waitUntil(lambda: not display.controller.online, timeout=10000)
        office.call_next("1")
        clock.advance(timedelta(minutes=2))  # that call is now older than the 60 s default
        for counter in ("2", "3", "4"):
            office.call_next(counter)
            clock.advance(timedelta(seconds=1))
        presented: list[str] = []
        display.controller.presented.connect(lambda call: presented.append(call.number))
        display.bridge.start()
        qtbot.waitUntil(lambda: display.controller.online, timeout=20000)
        qtbot.waitUntil(lambda: presented == numbers[1:], timeout=5000)
        # Calls that queued up are announced together in the short form, oldest first.
        finished = display.controller.queue.finished
        qtbot.waitUntil(lambda: sum(len(a.calls) for a in finished) == 3, timeout=30000)
        assert [call.number for a in finished for call in a.calls] == numbers[1:]
        # The old one is on the screen, listed, but was neither flashed nor announced.
        assert display.window.number.text() == numbers[3]
        assert [row.number.text() for row in display.window.recent_rows[:3]] == numbers[2::-1]
