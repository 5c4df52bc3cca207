"""A Qt display connected to a live server, with announcements written to WAV files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from client.qt import StreamBridge, stream_url
from display_app.audio.players import WavFilePlayer
from display_app.audio.render import ClipRenderer
from display_app.core.announcements import AnnouncementQueue
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.widgets.window import DisplayWindow


@dataclass
class RunningDisplay:
    """The parts of one running display."""

    controller: DisplayController
    window: DisplayWindow
    bridge: StreamBridge
    player: WavFilePlayer


@pytest.fixture
def make_display(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., RunningDisplay]]:
    """Start displays against a server URL; each is stopped after the test."""
    started: list[RunningDisplay] = []

    def make(
        server_url: str, *, size: tuple[int, int] = (1920, 1080), realtime: bool = False, **options: object
    ) -> RunningDisplay:
        config = DisplayConfig(server=server_url, site="demo", diagonal_inches=55, **options)  # type: ignore[arg-type]
        player = WavFilePlayer(tmp_path / f"audio-{len(started)}", realtime=realtime)
        controller = DisplayController(config, player=player, render=ClipRenderer(config.languages))
        window = DisplayWindow(controller, config)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        bridge = StreamBridge(stream_url(server_url, "/ws/sites/demo/display"))
        controller.attach(bridge)
        running = RunningDisplay(controller, window, bridge, player)
        started.append(running)
        with qtbot.waitSignal(controller.changed, timeout=10000):
            bridge.start()
        return running

    yield make
    for running in started:
        running.bridge.stop()
        running.controller.worker.wait(30000)
        queue = running.controller.queue

        def quiet(queue: AnnouncementQueue = queue) -> bool:
            return not queue.busy

        qtbot.waitUntil(quiet, timeout=30000)
