"""Announcement audio for browser displays: gong plus speech, rendered by the hardware layer, cached."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aufruf.i18n import normalise_language
from hardware.audio import Announcer, CatchUp, duration, join_wav
from hardware.audio.announce import PIECE_GAP
from hardware.messages import catalog as hardware_catalog

_T = TypeVar("_T")

NUMBER = re.compile(r"^[A-Z]{1,3}\d{1,5}$")
COUNTER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_LANGUAGES = 6
# A catch-up announcement names at most this many calls (one per counter calling at once).
MAX_CATCH_UP = 12
# The time a call has left to be spoken is at most the display's lag limit; finer steps are not cached apart.
MAX_WITHIN = 10.0
WITHIN_STEP = 0.25


class BadAudioRequest(ValueError):
    """A number, counter or language list that cannot be announced."""


def spoken_languages(raw: str | None, default: Sequence[str]) -> tuple[str, ...]:
    """Parse `de,en` into languages that have an announcement text, without repeats."""
    wanted = [normalise_language(part) for part in (raw or "").split(",") if part.strip()]
    known = set(hardware_catalog().languages)
    result: list[str] = []
    for language in wanted or [normalise_language(lang) for lang in default]:
        if language not in known:
            raise BadAudioRequest(f"no announcement text for language '{language}'")
        if language not in result:
            result.append(language)
    if not result or len(result) > MAX_LANGUAGES:
        raise BadAudioRequest(f"between 1 and {MAX_LANGUAGES} languages, please")
    return tuple(result)


def check_call(number: str, counter: str) -> None:
    """Refuse anything that does not look like a ticket number and a counter id."""
    if not NUMBER.match(number):
        raise BadAudioRequest(f"'{number}' is not a ticket number")
    if not COUNTER.match(counter):
        raise BadAudioRequest(f"'{counter}' is not a counter id")


def parse_calls(raw: str) -> list[tuple[str, str]]:
    """`A017:3,B004:5` → `[("A017", "3"), ("B004", "5")]`, each checked."""
    calls: list[tuple[str, str]] = []
    for part in raw.split(","):
        number, _, counter = part.strip().partition(":")
        check_call(number, counter)
        calls.append((number, counter))
    if not 1 <= len(calls) <= MAX_CATCH_UP:
        raise BadAudioRequest(f"between 1 and {MAX_CATCH_UP} calls, please")
    return calls


def parse_within(raw: str | None, count: int) -> list[float] | None:
    """`4.2,4.5` → seconds each call has left, rounded down to `WITHIN_STEP`; None when not given."""
    if raw is None or not raw.strip():
        return None
    try:
        values = [float(part) for part in raw.split(",")]
    except ValueError:
        raise BadAudioRequest("within must be seconds, one per call, separated by commas") from None
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise BadAudioRequest(f"within needs {count} numbers of seconds, one per call")
    return [math.floor(min(max(v, 0.0), MAX_WITHIN) / WITHIN_STEP) * WITHIN_STEP for v in values]


class AnnouncementCache:
    """Renders one WAV per (number, counter, languages) once and keeps the latest ones in memory."""

    def __init__(self, announcer: Announcer | None = None, *, size: int = 128) -> None:
        self._announcer = announcer
        self._size = size
        self._items: OrderedDict[tuple[object, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        # Rendering is serialised: concurrent requests for one call then render it only once.
        self._render_lock = threading.Lock()

    @property
    def announcer(self) -> Announcer:
        """The hardware layer's announcer, created on first use (espeak-ng lookup)."""
        if self._announcer is None:
            self._announcer = Announcer()
        return self._announcer

    def _get(self, key: tuple[object, ...]) -> Any:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def _cached(self, key: tuple[object, ...], render: Callable[[], _T]) -> _T:
        cached = self._get(key)
        if cached is not None:
            return cached
        with self._render_lock:
            cached = self._get(key)
            if cached is not None:
                return cached
            data = render()
            with self._lock:
                self._items[key] = data
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            return data

    def wav(
        self, number: str, counter: str, languages: Sequence[str], recall: bool = False
    ) -> tuple[bytes, tuple[float, ...]]:
        """Gong, then the announcement (or recall) in each language in turn, as one WAV; and where each piece ends."""

        def render() -> tuple[bytes, tuple[float, ...]]:
            pieces = self.announcer.pieces(number, counter, list(languages), recall=recall)
            ends, at = [], 0.0
            for index, piece in enumerate(pieces):
                at += (PIECE_GAP if index else 0.0) + duration(piece)
                ends.append(round(at, 3))
            return join_wav(pieces, gap=PIECE_GAP), tuple(ends)

        return self._cached(("call", number, counter, tuple(languages), recall), render)

    def prepare(self, counters: Sequence[str], language: str) -> None:
        """Speak the counters' catch-up words ahead of time (espeak-ng's cache keeps them)."""
        self.announcer.prepare_counters([c for c in counters if COUNTER.match(c)], normalise_language(language))

    def catch_up(
        self, calls: Sequence[tuple[str, str]], language: str, within: Sequence[float] | None = None, chime: bool = True
    ) -> CatchUp:
        """Calls that queued up: a short chime (unless right after a gong), then "A 17 Schalter 3, B 4 …" in time."""
        limits = tuple(within) if within is not None else None
        return self._cached(
            ("catch-up", tuple(calls), language, limits, chime),
            lambda: self.announcer.catch_up(list(calls), language, limits, with_chime=chime),
        )
