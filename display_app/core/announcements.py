"""Announcements play strictly one after another and catch up when calls queue: nothing is cut off.

One call alone gets the gong, German and its ticket's language. Calls that arrive while another
is being announced (or together, within `gather_seconds`) are announced together in the short
form, "A 17 Schalter 3, B 4 Schalter 5", and the further languages of the call playing are
skipped once others wait. Each announcement is told how long each of its calls has left before
`lag_seconds` since it was shown have passed (`Announcement.within`); the renderer fits its
form to that, so that even a burst of eight calls is spoken within five seconds of being shown.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from display_app.core.state import Call

# Counters calling "at the same time" press their buttons within a fraction of a second: a call
# waits until no other came for this long (at most MAX_GATHERS times), then all are announced.
GATHER_SECONDS = 0.3
MAX_GATHERS = 4
# No call is spoken later than this after it appeared on the screen.
LAG_SECONDS = 5.0


class Player(Protocol):
    """Plays one WAV clip and calls `done` once it has finished (or failed)."""

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Start playing; must not block."""


Later = Callable[[float, Callable[[], None]], None]


@dataclass(frozen=True)
class Rendered:
    """One announcement's clips; those from `essential` on are dropped when other calls wait."""

    clips: list[bytes]
    essential: int
    # Seconds from the announcement's start to where each call's own words begin, if known.
    starts: tuple[float, ...] = ()
    # How many clips come before any words (the gong): a call alone hands over to others after them.
    lead: int = 0


@dataclass(eq=False)
class Announcement:
    """One announcement: a single call, or several that queued up; clips None while rendering."""

    calls: list[Call]
    # Seconds each call has left, when the announcement was asked for, to be spoken in time.
    within: list[float] = field(default_factory=list)
    # False right after a gong that was played for these calls: no second chime.
    chime: bool = True
    # When each call was shown (queue clock), to give them back to the line unchanged.
    shown: list[float] = field(default_factory=list)
    clips: list[bytes] | None = None
    essential: int = 0
    starts: tuple[float, ...] = ()
    lead: int = 0
    played: int = 0
    skipped: int = 0

    @property
    def call(self) -> Call:
        """The first (oldest) call announced."""
        return self.calls[0]

    @property
    def catch_up(self) -> bool:
        """Whether several calls are announced together in the short form."""
        return len(self.calls) > 1


@dataclass(eq=False)
class AnnouncementQueue:
    """Oldest call first; a clip starts only after the previous one has finished."""

    player: Player
    # Asks for an announcement's audio; the answer comes back through `rendered`.
    render: Callable[[Announcement], None] = lambda _a: None
    # Runs a function after some seconds; without it calls are not gathered.
    later: Later | None = None
    gather_seconds: float = GATHER_SECONDS
    on_started: Callable[[Announcement], None] = lambda _a: None
    on_finished: Callable[[Announcement], None] = lambda _a: None
    clock: Callable[[], float] = time.monotonic
    lag_seconds: float = LAG_SECONDS
    # Each waiting call with the moment it was pushed (shown).
    _waiting: deque[tuple[Call, float]] = field(default_factory=deque)
    _head: Announcement | None = None
    _chimed: bool = False
    _gathering: bool = False
    _gathers: int = 0
    _playing: bool = False
    _pumping: bool = False
    finished: list[Announcement] = field(default_factory=list)

    def push(self, call: Call) -> None:
        """Queue a call; it is announced alone or together with others that wait."""
        self._waiting.append((call, self.clock()))
        if self._head is not None:
            return  # the running announcement hands over to the waiting calls when it ends
        if self.later is None or self.gather_seconds <= 0:
            self._start_next()
        elif not self._gathering or self._gathers < MAX_GATHERS:
            self._gathering = True
            self._gathers += 1
            mark = self._gathers
            self.later(self.gather_seconds, lambda: self._gathered(mark))

    def rendered(self, announcement: Announcement, audio: Rendered) -> None:
        """The audio of the announcement due next is ready: play it."""
        if announcement is not self._head or announcement.clips is not None:
            return
        announcement.clips = list(audio.clips)
        announcement.essential = audio.essential
        announcement.starts = audio.starts
        announcement.lead = audio.lead
        self.on_started(announcement)
        self._pump()

    @property
    def busy(self) -> bool:
        """Whether something is playing, rendering or waiting."""
        return self._playing or self._head is not None or self._gathering or bool(self._waiting)

    def unfinished(self) -> list[Call]:
        """The calls being announced now, then those still waiting to be, in order."""
        return (list(self._head.calls) if self._head is not None else []) + [call for call, _at in self._waiting]

    @property
    def waiting(self) -> int:
        """How many calls have not started to be announced yet."""
        return len(self._waiting)

    def _gathered(self, mark: int) -> None:
        if not self._gathering or mark != self._gathers:
            return  # another call came meanwhile: its own wait decides
        self._gathering, self._gathers = False, 0
        self._start_next()

    def _start_next(self) -> None:
        if self._head is not None or not self._waiting:
            return
        now = self.clock()
        self._head = Announcement(
            [call for call, _at in self._waiting],
            [at + self.lag_seconds - now for _call, at in self._waiting],
            chime=not self._chimed,
            shown=[at for _call, at in self._waiting],
        )
        self._chimed = False
        self._waiting.clear()
        self.render(self._head)

    def _pump(self) -> None:
        # A player may report `done` from inside `play`: loop here instead of recursing.
        if self._pumping:
            return
        self._pumping = True
        try:
            while not self._playing and self._head is not None and self._head.clips is not None:
                head, clips = self._head, self._head.clips
                index = head.played + head.skipped
                if self._waiting and head.played == head.lead > 0 and head.skipped == 0 and index < len(clips):
                    # Others came during the gong: this call joins them, first, in one catch-up after it.
                    self._waiting.extendleft(reversed(list(zip(head.calls, head.shown, strict=True))))
                    self._head, self._chimed = None, True
                    self._start_next()
                    continue
                if index >= head.essential and self._waiting and index < len(clips):
                    # Others wait: the further languages of this call give way to them.
                    head.skipped = len(clips) - index
                    index = len(clips)
                if index >= len(clips):
                    self._head = None
                    self.finished.append(head)
                    self.on_finished(head)
                    self._start_next()
                    continue
                self._playing = True
                self.player.play(clips[index], self._clip_done)
        finally:
            self._pumping = False

    def _clip_done(self) -> None:
        if self._head is not None:
            self._head.played += 1
        self._playing = False
        self._pump()
