"""The display's core object: stream in, state and announcements out, as signals; no widgets."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from client.branding import BrandingWatcher
from client.notices import Clock, NoticeBoard, system_now
from client.qt import BackgroundCalls
from display_app.core.announcements import Announcement, AnnouncementQueue, Player, Rendered
from display_app.core.config import DisplayConfig
from display_app.core.on_screen import Screenful, choose
from display_app.core.state import Call, DisplayState
from hardware.audio import gong

log = logging.getLogger(__name__)


class DisplayController(QObject):
    """Applies snapshots and events, presents new calls, and queues their announcements."""

    changed = Signal()
    presented = Signal(object)
    online_changed = Signal(bool)
    refused = Signal(str)
    announcement_started = Signal(object)
    announcement_finished = Signal(object)

    def __init__(
        self,
        config: DisplayConfig,
        *,
        player: Player,
        render: Callable[[Announcement], Rendered],
        prepare: Callable[[list[str]], None] | None = None,
        clock: Clock = system_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        # Renders each counter's catch-up words ahead, so that a burst of calls waits only for its numbers.
        self.prepare = prepare
        self.state = DisplayState(services=config.services, counters=config.counters, keep=config.recent + 1)
        # A supervisor's notices; each goes at its expiry by the board's own timer.
        self.notices = NoticeBoard(clock, parent=self)
        self.notices.changed.connect(self.changed.emit)
        self.online = False
        self.render = render
        if isinstance(player, QObject) and player.parent() is None:
            player.setParent(self)  # the player's pending callbacks end with the display
        self.queue = AnnouncementQueue(
            player, render=self._render, later=self._later,
            on_started=self.announcement_started.emit, on_finished=self.announcement_finished.emit,
        )
        # One worker: clips are rendered in call order, and espeak-ng never competes with itself.
        self.worker = BackgroundCalls(self, threads=1)
        # Calls for people who cannot hear them: number → monotonic time their highlight ends.
        self.visual_until: dict[str, float] = {}
        # The office's logo and band colours, from each snapshot's site facts.
        self.branding = BrandingWatcher(config.server, parent=self)
        # A call whose audio has ended may give up its row: redraw.
        self.announcement_finished.connect(lambda _a: self.changed.emit())

    def on_snapshot(self, message: dict[str, Any]) -> None:
        """A snapshot sets the screen; only calls made while the display was away, and recent, are announced."""
        missed = self.state.apply_snapshot(message, missed_seconds=self.config.missed_call_seconds)
        # A visual call's highlight is set before any redraw, so its first frame already shows it.
        for call in missed:
            if call.visual:
                self._hold_visual(call)
        self.notices.on_message(message)
        self.changed.emit()
        self.branding.update(self.state.site)
        if self.prepare is not None:
            self._prepare([str(c["id"]) for c in message.get("data", {}).get("counters", []) if "id" in c])
        for call in missed:
            self.presented.emit(call)
            self.announce(call)

    def on_event(self, message: dict[str, Any]) -> None:
        """Update the screen first, then queue the gong and speech of each new call."""
        outcome = self.state.apply_event(message)
        for call in outcome.fresh:
            if call.visual:
                self._hold_visual(call)
        self.notices.on_message(message)
        if outcome.changed:
            self.changed.emit()
        for call in outcome.fresh:
            self.presented.emit(call)
            self.announce(call)

    def screenful(self, rows: int) -> Screenful:
        """What the window shows now, with `rows` recent rows."""
        return choose(self.state.calls, self.queue.unfinished(), rows, self.visual_until)

    def _hold_visual(self, call: Call) -> None:
        seconds = self.config.visual_seconds
        now = time.monotonic()
        self.visual_until = {number: until for number, until in self.visual_until.items() if until > now}
        self.visual_until[call.number] = time.monotonic() + seconds
        # The highlight ends by itself: redraw then.
        QTimer.singleShot(int(seconds * 1000) + 50, self, self.changed.emit)

    def on_connection(self, online: bool) -> None:
        """Track the connection for the offline mark."""
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def announce(self, call: Call) -> None:
        """Queue a call's announcement; its audio is rendered when its turn comes."""
        self.queue.push(call)

    def _render(self, announcement: Announcement) -> None:
        calls = list(announcement.calls)

        def failed(error: Exception) -> None:
            log.warning("no announcement audio for %s: %s", ", ".join(c.number for c in calls), error)
            self.queue.rendered(announcement, Rendered([gong()], 1))

        self.worker.submit(
            lambda: self.render(announcement), lambda audio: self.queue.rendered(announcement, audio), failed
        )

    def _prepare(self, counters: list[str]) -> None:
        prepare = self.prepare
        if prepare is None or not counters:
            return

        def failed(error: Exception) -> None:
            log.warning("counters not rendered ahead: %s", error)

        self.worker.submit(lambda: prepare(counters), lambda _none: None, failed)

    def _later(self, seconds: float, action: Callable[[], None]) -> None:
        QTimer.singleShot(round(seconds * 1000), self, action)

    def attach(self, bridge: Any) -> None:
        """Listen to a `client.qt.StreamBridge`."""
        bridge.snapshot.connect(self.on_snapshot)
        bridge.message.connect(self.on_event)
        bridge.connection_changed.connect(self.on_connection)
        bridge.refused.connect(self.refused.emit)
