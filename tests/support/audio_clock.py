"""A player on a simulated clock: each clip takes as long as its WAV file says, without waiting for it."""

from __future__ import annotations

import heapq
import io
import wave
from collections.abc import Callable
from dataclasses import dataclass, field


def wav_seconds(clip: bytes) -> float:
    """A WAV clip's length, read from its header and frame count."""
    with wave.open(io.BytesIO(clip), "rb") as source:
        return source.getnframes() / source.getframerate()


@dataclass
class Played:
    """One clip as it was played: when it started and ended on the simulated clock."""

    clip: bytes
    start: float
    end: float


@dataclass
class SimulatedAudio:
    """A clock plus a player: `play` schedules `done` after the clip's real duration."""

    now: float = 0.0
    played: list[Played] = field(default_factory=list)
    _timers: list[tuple[float, int, Callable[[], None]]] = field(default_factory=list)
    _order: int = 0

    def at(self, when: float, action: Callable[[], None]) -> None:
        """Run an action at a moment of the simulated clock."""
        self._order += 1
        heapq.heappush(self._timers, (when, self._order, action))

    def play(self, clip: bytes, done: Callable[[], None]) -> None:
        """Start a clip now; it ends after its duration."""
        if self.played and self.played[-1].end > self.now + 1e-9:
            raise AssertionError("a clip started while another was still playing")
        seconds = wav_seconds(clip)
        self.played.append(Played(clip, self.now, self.now + seconds))
        self.at(self.now + seconds, done)

    def run(self) -> None:
        """Advance the clock from timer to timer until nothing is scheduled."""
        while self._timers:
            when, _, action = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            action()
