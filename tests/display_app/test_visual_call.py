"""The Qt display: calls for those who cannot hear stand out longer; every call is on screen while heard."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from pytestqt.qtbot import QtBot

from display_app.core.announcements import Announcement
from display_app.widgets.window import FLASH_INTERVAL_MS
from tests.display_app.conftest import RunningDisplay
from tests.display_page.calls import Office
from tests.support.live_server import LiveServer


def draw_visual(server: LiveServer) -> str:
    """Draw a ticket with the "I cannot hear the calls" option, as the kiosk does."""
    response = httpx.post(
        server.api("/sites/demo/tickets"), json={"service": "anmeldung", "visual_call": True},
        headers=server.kiosk_headers,
    )
    assert response.status_code == 201
    return str(response.json()["number"])


def shown(display: RunningDisplay) -> list[str]:
    """The numbers on screen: the big one, then the visible recent rows."""
    window = display.window
    rows = [row.number.text().split()[0] for row in window.recent_rows if not row.isHidden()]
    return ([window.number.text()] if not window.number.isHidden() else []) + rows


def test_a_visual_call_is_framed_and_flashes_longer(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], qtbot: QtBot
) -> None:
    display = make_display(live_server.url, audio="none", flash_seconds=2.0, visual_seconds=20.0)
    window = display.window
    office = Office(live_server)
    plain = office.draw()
    with qtbot.waitSignal(display.controller.presented, timeout=3000):
        office.call_next("1")
    assert window.number.text() == plain
    assert not window.current_panel.property("visual")
    normal_flashes = window._flashes_left
    assert normal_flashes == 2000 // FLASH_INTERVAL_MS

    visual = draw_visual(live_server)
    with qtbot.waitSignal(display.controller.presented, timeout=3000) as presented:
        office.call_next("2")
    assert presented.args[0].visual
    assert window.number.text() == visual
    assert window.current_panel.property("visual") is True
    assert window._flashes_left == 20_000 // FLASH_INTERVAL_MS  # ten times as long
    # A newer call takes the big panel; the visual call's row stays highlighted.
    third = office.draw()
    with qtbot.waitSignal(display.controller.presented, timeout=3000):
        office.call_next("3")
    assert window.number.text() == third
    assert not window.current_panel.property("visual")
    row = next(r for r in window.recent_rows if r.number.text().startswith(visual))
    assert row.property("visual") is True


def test_every_call_is_on_screen_while_its_audio_plays(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], qtbot: QtBot
) -> None:
    # One recent row and real-time audio: calls arrive faster than they can be announced.
    display = make_display(live_server.url, languages=("de",), recent=1, realtime=True)
    office = Office(live_server)
    numbers = [office.draw() for _ in range(4)]
    heard: list[str] = []
    missing: list[tuple[str, list[str]]] = []

    def check(announcement: Announcement | None = None) -> None:
        playing = display.controller.queue.unfinished()
        if playing and playing[0].number not in shown(display):
            missing.append((playing[0].number, shown(display)))

    def started(announcement: Announcement) -> None:
        heard.extend(call.number for call in announcement.calls)
        check()

    display.controller.announcement_started.connect(started)
    display.controller.changed.connect(check)
    for counter in ("1", "2", "3", "4"):
        office.call_next(counter)
    qtbot.waitUntil(lambda: sum(len(a.calls) for a in display.controller.queue.finished) == 4, timeout=90_000)
    assert heard == numbers
    assert missing == []
    # Without the rule the first call would have left the screen: newest large, one row, four calls.
    assert display.controller.state.calls[0].number == numbers[-1]


def test_a_visual_call_is_framed_from_its_first_frame_live_and_after_a_reconnect(
    live_server: LiveServer, make_display: Callable[..., RunningDisplay], qtbot: QtBot
) -> None:
    display = make_display(live_server.url, audio="none", visual_seconds=20.0)
    window = display.window
    office = Office(live_server)
    frames: list[tuple[str, object]] = []

    def record() -> None:
        frames.append((window.number.text(), window.current_panel.property("visual")))

    # Connected after the window's own redraw: records what each redraw put on screen.
    display.controller.changed.connect(record)
    live = draw_visual(live_server)
    with qtbot.waitSignal(display.controller.presented, timeout=3000):
        office.call_next("1")
    assert [framed for number, framed in frames if number == live][:1] == [True]

    # Called while the display was away: the snapshot on reconnect brings it, framed at once.
    display.bridge.stop()
    missed = draw_visual(live_server)
    office.call_next("2")
    frames.clear()
    with qtbot.waitSignal(display.controller.presented, timeout=10000) as presented:
        display.bridge.start()
    assert presented.args[0].number == missed
    display.controller.changed.disconnect(record)
    assert [framed for number, framed in frames if number == missed][:1] == [True], frames
