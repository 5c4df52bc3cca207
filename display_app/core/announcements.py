"""Announcements play strictly one after another: gong, then each language; nothing is cut off."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from display_app.core.state import Call


class Player(Protocol):
    """Plays one WAV clip and calls `done` once it has finished (or failed)."""

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Start playing; must not block."""


@dataclass(eq=False)
class Announcement:
    """One call's audio: None while it is still being rendered, then its clips in order."""

    call: Call
    clips: list[bytes] | None = None
    played: int = 0


@dataclass(eq=False)
class AnnouncementQueue:
    """First in, first out; a clip starts only after the previous one has finished."""

    player: Player
    on_started: Callable[[Announcement], None] = lambda _a: None
    on_finished: Callable[[Announcement], None] = lambda _a: None
    _pending: deque[Announcement] = field(default_factory=deque)
    _head: Announcement | None = None
    _clips: deque[bytes] = field(default_factory=deque)
    _playing: bool = False
    _pumping: bool = False
    finished: list[Announcement] = field(default_factory=list)

    def push(self, call: Call) -> Announcement:
        """Queue a call; its audio follows with `rendered`."""
        announcement = Announcement(call)
        self._pending.append(announcement)
        return announcement

    def rendered(self, announcement: Announcement, clips: list[bytes]) -> None:
        """The audio of a queued call is ready; play it when its turn comes."""
        announcement.clips = list(clips)
        self._pump()

    @property
    def busy(self) -> bool:
        """Whether something is playing or waiting."""
        return self._playing or self._head is not None or bool(self._pending)

    def unfinished(self) -> list[Announcement]:
        """The announcement playing now, then those still to play, in order."""
        return ([self._head] if self._head is not None else []) + list(self._pending)

    @property
    def waiting(self) -> int:
        """How many announcements have not started yet."""
        return len(self._pending)

    def _pump(self) -> None:
        # A player may report `done` from inside `play`: loop here instead of recursing.
        if self._pumping:
            return
        self._pumping = True
        try:
            while not self._playing:
                if self._head is None:
                    # Strict order: a later call rendered first still waits for the earlier one.
                    if not self._pending or self._pending[0].clips is None:
                        return
                    self._head = self._pending.popleft()
                    self._clips = deque(self._head.clips or [])
                    self.on_started(self._head)
                if not self._clips:
                    done, self._head = self._head, None
                    self.finished.append(done)
                    self.on_finished(done)
                    continue
                clip = self._clips.popleft()
                self._playing = True
                self.player.play(clip, self._clip_done)
        finally:
            self._pumping = False

    def _clip_done(self) -> None:
        if self._head is not None:
            self._head.played += 1
        self._playing = False
        self._pump()
