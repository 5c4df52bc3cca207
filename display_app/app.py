"""Start the display: stream, core, audio and window wired together."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from client.qt import StreamBridge, stream_url
from display_app.audio.players import player_for
from display_app.audio.render import ClipRenderer
from display_app.core.config import DisplayConfig
from display_app.core.controller import DisplayController
from display_app.widgets.window import DisplayWindow


def build(config: DisplayConfig, *, audio: str | None = None) -> tuple[DisplayController, DisplayWindow, StreamBridge]:
    """Create the display's objects without starting the stream (tests start it themselves)."""
    renderer = ClipRenderer(config.announce, catch_up_language=(config.announce or ("de",))[0])
    controller = DisplayController(
        config, player=player_for(audio or config.audio), render=renderer, prepare=renderer.prepare
    )
    window = DisplayWindow(controller, config)
    bridge = StreamBridge(stream_url(config.server, f"/ws/sites/{config.site}/display"))
    controller.attach(bridge)
    return controller, window, bridge


def run(config: DisplayConfig, *, windowed: bool = False) -> int:
    """Show the display full-screen (or in a window) until it is closed."""
    application = QApplication.instance() or QApplication(sys.argv[:1])
    controller, window, bridge = build(config)
    if windowed:
        window.resize(1280, 720)
        window.show()
    else:
        window.showFullScreen()
    bridge.start()
    try:
        return int(application.exec())
    finally:
        bridge.stop()
        controller.worker.wait()
