"""Call announcements: gong plus "Nummer A 17, Schalter 3" in German and the ticket's language.

One call lasts at most `SINGLE_CALL_SECONDS`, gong included: a long number or a wordy language is
spoken faster rather than longer. Calls that queued up are announced together after a short
chime, each as "A 17 Schalter 3", and fit the time each call has left (`within`): the form is
chosen from the real clip durations, dropping counter words (the screen shows the counter) and
then speeding up, so that no call is spoken later than promised.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar
from xml.sax.saxutils import escape

from aufruf.i18n import normalise_language
from hardware.audio.speech import EspeakSpeech
from hardware.audio.wav import RATE, SAMPLE_WIDTH, chime, decode_wav, encode_wav, faster, gong, join_wav, silence
from hardware.messages import text

log = logging.getLogger(__name__)
_Item = TypeVar("_Item")

_PARTS = re.compile(r"[A-Za-z]+|\d+")

# Gong and speech of one call, in seconds, with the pauses the browser display puts between pieces.
SINGLE_CALL_SECONDS = 6.0
PIECE_GAP = 0.25
# Catch-up: a little faster than a single call, a short pause between calls, and a limit on speed-ups.
CATCH_UP_SPEED = 1.3
MAX_SPEED = 2.4
CALL_GAP = 0.04
COUNTER_GAP = 0.03
LEAD_GAP = 0.06
# Time kept in hand for joining the clip and for the player to start sounding.
PLAYER_START = 0.2
# A catch-up lasts at most this long if it can (faster numbers, no counter words): calls that come
# meanwhile wait for its end, and then still need a chime and their own numbers within five seconds.
CATCH_UP_SECONDS = 3.0
# espeak-ng gets only so much faster per step of its rate: a few rounds reach the wanted length.
SPEED_ROUNDS = 6
# espeak-ng's speed is not exactly proportional to its rate: aim a little below the limit.
SPEED_MARGIN = 1.04
# Synthesis runs in a few espeak-ng processes at once: a catch-up of eight calls is ready sooner.
SYNTH_THREADS = 4


def spoken_number(number: str) -> str:
    """How people say a ticket number or counter: "A017" → "A 17", "AB-005" → "A B 5", "FZ1234" → "F Z 12 34"."""
    words: list[str] = []
    for part in _PARTS.findall(number):
        if not part.isdigit():
            words.extend(part.upper())
        elif len(part.lstrip("0")) < 4:
            words.append(str(int(part)))
        else:
            words.extend(_pairs(part.lstrip("0")))
    return " ".join(words) or number


def _pairs(digits: str) -> list[str]:
    """Four digits and more are said in pairs from the right ("12 34"), shorter than "twelve hundred…"."""
    head = len(digits) % 2
    groups = ([digits[:head]] if head else []) + [digits[i : i + 2] for i in range(head, len(digits), 2)]
    # A pair with a leading zero is said digit by digit ("10 0 5"), never as "10 5".
    return [word for group in groups for word in ([group] if group[0] != "0" else list(group))]


def _ssml(number: str) -> str:
    """SSML that makes espeak-ng say letters by name ("ay", not the article "a")."""
    out: list[str] = []
    for word in spoken_number(number).split():
        if word.isalpha():
            out.append(f'<say-as interpret-as="characters">{escape(word)}</say-as>')
        else:
            out.append(escape(word))
    return " ".join(out)


def languages_for_call(fixed: Sequence[str] | None, ticket_language: str | None) -> tuple[str, ...]:
    """What a call is spoken in: fixed languages, or German plus the language chosen at the kiosk."""
    if fixed:
        return tuple(dict.fromkeys(normalise_language(lang) for lang in fixed))
    return tuple(dict.fromkeys(("de", normalise_language(ticket_language or "de"))))


def _faster(clip: bytes | None, factor: float) -> bytes | None:
    return faster(clip, factor) if clip is not None else None


def _seconds(clip: bytes) -> float:
    return len(decode_wav(clip)) / SAMPLE_WIDTH / RATE


@dataclass(frozen=True)
class CatchUp:
    """Queued-up calls in one clip, and where in it each call's words begin."""

    wav: bytes
    starts: tuple[float, ...]
    # Which calls name their counter; the others only their number (the screen shows the counter).
    counters: tuple[bool, ...]
    speed: float


def plan_counters(
    lead: float,
    numbers: Sequence[float],
    counters: Sequence[float | None],
    within: Sequence[float | None],
    lasting: float | None = None,
) -> list[bool] | None:
    """Which calls can name their counter with every call still starting in time; None if not even bare numbers fit."""
    include = [False] * len(numbers)

    def starts() -> list[float]:
        at, out = lead, []
        for index, spoken in enumerate(numbers):
            out.append(at)
            extra = counters[index] if include[index] else None
            at += spoken + CALL_GAP + (COUNTER_GAP + extra if extra is not None else 0.0)
        return [*out, at - CALL_GAP]

    def in_time() -> bool:
        begin = starts()[:-1]
        return all(limit is None or start <= limit for start, limit in zip(begin, within, strict=True))

    if not in_time():
        return None
    # Oldest first: a counter word only delays the calls after it, so each is kept if they still fit.
    for index, counter in enumerate(counters):
        if counter is not None:
            include[index] = True
            include[index] = in_time() and (lasting is None or starts()[-1] <= lasting)
    return include


def needed_speed(
    lead: float, numbers: Sequence[float], within: Sequence[float | None], lasting: float | None = None
) -> float:
    """How much faster bare numbers must be spoken for every call to start in time and all to end by `lasting`."""
    worst, spoken = 1.0, 0.0
    for index, limit in enumerate([*within, lasting]):
        if limit is not None and spoken > 0:
            room = limit - lead - index * CALL_GAP
            worst = max(worst, spoken / room if room > 0 else float("inf"))
        if index < len(numbers):
            spoken += numbers[index]
    return worst


class Announcer:
    """Builds the audio a call display plays when a ticket is called."""

    def __init__(
        self,
        languages: Sequence[str] = ("de",),
        *,
        speech: EspeakSpeech | None = None,
        with_gong: bool = True,
    ) -> None:
        self.languages = tuple(normalise_language(lang) for lang in languages)
        self.speech = speech or EspeakSpeech()
        self.with_gong = with_gong

    def text(self, number: str, counter: str, language: str, *, recall: bool = False) -> str:
        """The announcement as readable text, e.g. for subtitles on the display."""
        return text(
            "announce.recall" if recall else "announce.call",
            language,
            number=spoken_number(number),
            counter=spoken_number(counter),
        )

    def ssml(self, number: str, counter: str, language: str, *, recall: bool = False) -> str:
        """The announcement as SSML for espeak-ng."""
        template = escape(text("announce.recall" if recall else "announce.call", language))
        body = template.format(number=_ssml(number), counter=_ssml(counter))
        return f"<speak>{body}</speak>"

    def counter_ssml(self, counter: str, language: str) -> str:
        """Where to go in the catch-up form, "Schalter 3", as SSML."""
        return f"<speak>{escape(text('announce.counter', language)).format(counter=_ssml(counter))}</speak>"

    def speech_for(self, number: str, counter: str, language: str, *, recall: bool = False) -> bytes | None:
        """The spoken announcement in one language as WAV, or None without a speech engine."""
        return self.speech.synthesize(self.ssml(number, counter, language, recall=recall), language)

    def _spoken(self, ssml: str, language: str, what: str, speed: float = 1.0) -> bytes | None:
        try:
            return self.speech.synthesize(ssml, language, speed=speed)
        except (RuntimeError, OSError) as error:
            # A broken voice must not silence the call: the gong still plays.
            log.warning("No %s announcement for %s: %s", language, what, error)
            return None

    @staticmethod
    def _each(work: Callable[[_Item], bytes | None], items: Sequence[_Item]) -> list[bytes | None]:
        """`work` for every item, in a few threads at once (espeak-ng and sox run as processes)."""
        if len(items) <= 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(max_workers=SYNTH_THREADS) as pool:
            return list(pool.map(work, items))

    def _call_in(self, language: str, *, number: str, counter: str, recall: bool, speed: float) -> bytes | None:
        return self._spoken(self.ssml(number, counter, language, recall=recall), language, number, speed)

    def _counter_in(self, counter: str, *, language: str, speed: float) -> bytes | None:
        return self._spoken(self.counter_ssml(counter, language), language, counter, speed)

    def _number_in(self, number: str, *, language: str, speed: float) -> bytes | None:
        return self._spoken(f"<speak>{_ssml(number)}</speak>", language, number, speed)

    def pieces(
        self,
        number: str,
        counter: str,
        languages: Sequence[str] | None = None,
        *,
        recall: bool = False,
        seconds: float = SINGLE_CALL_SECONDS,
    ) -> list[bytes]:
        """The gong, then one WAV per language that could be spoken; all within `seconds` with the pauses."""
        wanted = [normalise_language(language) for language in languages or self.languages]
        lead = [gong()] if self.with_gong else []
        speed, spoken = 1.0, []
        for _round in range(SPEED_ROUNDS):
            spoken = [
                clip
                for clip in self._each(
                    partial(self._call_in, number=number, counter=counter, recall=recall, speed=speed), wanted
                )
                if clip is not None
            ]
            pieces = lead + spoken
            talk = sum(_seconds(clip) for clip in spoken)
            room = seconds - sum(_seconds(clip) for clip in lead) - PIECE_GAP * max(0, len(pieces) - 1)
            if talk <= room or speed >= MAX_SPEED or room <= 0:
                break
            # Too long (a long number, a wordy language): say it faster, not longer.
            speed = min(MAX_SPEED, speed * talk / room * SPEED_MARGIN)
        return lead + spoken or [gong()]

    def prepare_counters(self, counters: Sequence[str], language: str = "de") -> None:
        """Speak each counter's catch-up words ahead of time (cached), so that a burst waits only for numbers."""
        gong(), chime()  # generated once, and not while a burst waits
        lang = normalise_language(language)
        self._each(partial(self._counter_in, language=lang, speed=CATCH_UP_SPEED), list(dict.fromkeys(counters)))

    def catch_up(
        self,
        calls: Sequence[tuple[str, str]],
        language: str = "de",
        within: Sequence[float | None] | None = None,
        *,
        with_chime: bool = True,
        lasting: float | None = CATCH_UP_SECONDS,
    ) -> CatchUp:
        """Queued-up calls in one clip: a short chime, then "A 17 Schalter 3", each starting within its seconds.

        Counter words are only added while the whole clip stays within `lasting` seconds, so that a call
        arriving meanwhile is not kept waiting too long either. `with_chime=False` right after a gong.
        """
        began = time.monotonic()
        lang = normalise_language(language)
        limits = list(within) if within is not None else [None] * len(calls)
        if len(limits) != len(calls):
            raise ValueError("one time limit per call, please")
        lead = [chime()] if self.with_gong and with_chime else []
        lead_seconds = sum(_seconds(clip) for clip in lead) + (LEAD_GAP if lead else 0.0)
        speed = CATCH_UP_SPEED
        where = self._each(partial(self._counter_in, language=lang, speed=speed), [counter for _n, counter in calls])
        numbers = self._numbers(calls, lang, speed)
        durations = self._lengths(numbers)
        # The time spent rendering is gone too: the calls have that much less left.
        left = self._left(limits, began)
        wordy = [_seconds(clip) if clip is not None else None for clip in where]
        plan = plan_counters(lead_seconds, durations, wordy, left, lasting)
        hurry = needed_speed(lead_seconds, durations, left, lasting)
        if plan is None or hurry > 1.0:
            # The bare numbers come too late or last too long: say them faster (same pitch), as fast
            # as is still understood; a call that arrives meanwhile then need not wait long either.
            factor = min(MAX_SPEED / speed, hurry * SPEED_MARGIN)
            numbers = self._each(partial(_faster, factor=factor), numbers)
            speed *= factor
            durations = self._lengths(numbers)
            plan = plan_counters(lead_seconds, durations, wordy, self._left(limits, began), lasting)
        return self._join(lead, numbers, where, plan or [False] * len(calls), speed)

    def _numbers(self, calls: Sequence[tuple[str, str]], language: str, speed: float) -> list[bytes | None]:
        return self._each(partial(self._number_in, language=language, speed=speed), [number for number, _c in calls])

    @staticmethod
    def _lengths(clips: Sequence[bytes | None]) -> list[float]:
        return [_seconds(clip) if clip is not None else 0.0 for clip in clips]

    @staticmethod
    def _left(limits: Sequence[float | None], began: float) -> list[float | None]:
        # Joining the clip and starting the sound device take a moment too.
        spent = time.monotonic() - began + PLAYER_START
        return [limit - spent if limit is not None else None for limit in limits]

    @staticmethod
    def _join(
        lead: list[bytes],
        numbers: Sequence[bytes | None],
        where: Sequence[bytes | None],
        plan: Sequence[bool],
        speed: float,
    ) -> CatchUp:
        frames: list[bytes] = [decode_wav(clip) for clip in lead]
        if lead:
            frames.append(silence(LEAD_GAP))
        starts: list[float] = []
        for index, number in enumerate(numbers):
            if index:
                frames.append(silence(CALL_GAP))
            starts.append(sum(len(f) for f in frames) / SAMPLE_WIDTH / RATE)
            if number is not None:
                frames.append(decode_wav(number))
            counter = where[index]
            if plan[index] and counter is not None:
                frames += [silence(COUNTER_GAP), decode_wav(counter)]
        return CatchUp(encode_wav(b"".join(frames)), tuple(starts), tuple(plan), speed)

    def call_audio(
        self, number: str, counter: str, languages: Sequence[str] | None = None, *, recall: bool = False
    ) -> bytes:
        """One WAV for a call: gong plus the announcement in every configured language."""
        return join_wav(self.pieces(number, counter, languages, recall=recall), gap=PIECE_GAP)
