"""How long after a call is shown it is spoken, with real espeak-ng clips played for their real length.

The player runs on a simulated clock (tests.support.audio_clock): each clip takes exactly as long
as its WAV file says, and rendering takes as long as espeak-ng really took, so a burst that would
keep a waiting room listening for half a minute is checked in a second or two. Where in a clip a
call's words begin is taken from the renderer, and checked against the samples: silence before,
speech after.
"""

from __future__ import annotations

import io
import math
import time
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from display_app.audio.render import ClipRenderer
from display_app.core.announcements import Announcement, AnnouncementQueue
from display_app.core.state import Call
from hardware.audio import Announcer, EspeakSpeech, gong
from tests.support.audio_clock import SimulatedAudio, wav_seconds

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "de-x-ls")
LIMIT = 5.0  # seconds from showing a call to its own words
ONE_CALL = 6.0  # gong and speech of a call alone
GAP = 0.25  # the browser display joins the pieces of a call with this pause


def call(number: str, counter: str, language: str, *, recall: bool = False) -> Call:
    return Call(number, counter, f"Schalter {counter}", "anmeldung", recall=recall, language=language)


# Eight counters calling at once: long numbers, two-digit counters, recalls, citizens of six languages.
BURST = [
    call("A017", "3", "de"),
    call("FZ1234", "12", "en"),
    call("P012", "2", "tr", recall=True),
    call("K003", "10", "ar"),
    call("F109", "1", "uk"),
    call("M021", "4", "ru", recall=True),
    call("AB1005", "11", "de"),
    call("S002", "8", "en"),
]


@pytest.fixture(scope="module")
def announcer(tmp_path_factory: pytest.TempPathFactory) -> Announcer:
    speech = EspeakSpeech(cache_dir=tmp_path_factory.mktemp("speech"))
    if not speech.available:
        pytest.fail("espeak-ng is part of the setup (scripts/setup) and must be installed")
    return Announcer(speech=speech)


def level(clip: bytes, start: float, end: float) -> float:
    """RMS of a WAV's samples between two moments."""
    with wave.open(io.BytesIO(clip), "rb") as source:
        rate = source.getframerate()
        samples = array("h", source.readframes(source.getnframes()))
    window = samples[max(0, int(start * rate)) : int(end * rate)]
    return math.sqrt(sum(s * s for s in window) / len(window)) if window else 0.0


@dataclass
class Heard:
    """When a call appeared and when its own words began."""

    shown: float
    words: float


def replay(calls: Sequence[tuple[float, Call]], renderer: ClipRenderer) -> tuple[dict[str, Heard], list[Announcement]]:
    """Show calls at the given moments and play their announcements; when each one was heard."""
    # As the display does when its first snapshot names the site's counters.
    renderer.prepare([str(n) for n in range(1, 25)])
    audio = SimulatedAudio()
    shown: dict[str, float] = {}
    words: dict[str, float] = {}

    def render(announcement: Announcement) -> None:
        began = time.perf_counter()
        rendered = renderer(announcement)
        spent = time.perf_counter() - began  # espeak-ng's real time delays the announcement too
        audio.at(audio.now + spent, lambda: queue.rendered(announcement, rendered))

    def on_started(announcement: Announcement) -> None:
        clips = announcement.clips or []
        assert len(announcement.starts) == len(announcement.calls)
        whole = clips[0] if len(clips) == 1 else None
        for index, (member, start) in enumerate(zip(announcement.calls, announcement.starts, strict=True)):
            words[member.number] = audio.now + start
            if index:
                assert start > announcement.starts[index - 1]
            if whole is not None:
                # The renderer's claim holds in the samples: quiet just before, speech right after.
                if start >= 0.04:  # right after a gong the clip starts with the words
                    assert level(whole, start - 0.04, start - 0.005) < 300, (member.number, start)
                assert level(whole, start, start + 0.15) > 1000, (member.number, start)
            else:
                assert start == pytest.approx(wav_seconds(clips[0]))  # after the gong, its language clips

    queue = AnnouncementQueue(
        audio, render=render, later=lambda seconds, action: audio.at(audio.now + seconds, action),
        on_started=on_started, clock=lambda: audio.now,
    )
    for moment, item in calls:
        def show(item: Call = item, moment: float = moment) -> None:
            shown[item.number] = moment
            queue.push(item)

        audio.at(moment, show)
    audio.run()
    assert not queue.busy
    return {n: Heard(shown[n], words[n]) for n in shown}, queue.finished


def report(title: str, heard: dict[str, Heard]) -> float:
    lags = {n: h.words - h.shown for n, h in heard.items()}
    print(f"\n{title}: own words {max(lags.values()):.2f} s after showing at most; "
          f"per call {', '.join(f'{n} {v:.2f}' for n, v in lags.items())} s")
    return max(lags.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_call_with_gong_german_and_the_ticket_language_lasts_at_most_six_seconds(
    announcer: Announcer, language: str
) -> None:
    renderer = ClipRenderer(announcer=announcer)
    longest = 0.0
    for number, counter in (("A017", "3"), ("FZ1234", "12"), ("B004", "12"), ("S002", "8"), ("AB1005", "11")):
        for recall in (False, True):
            rendered = renderer(Announcement([call(number, counter, language, recall=recall)]))
            expected = 2 if language == "de" else 3  # gong, German, and the ticket's language
            assert len(rendered.clips) == expected and rendered.clips[0] == gong()
            # As the browser plays it: one file with a pause between the pieces.
            seconds = sum(wav_seconds(clip) for clip in rendered.clips) + GAP * (len(rendered.clips) - 1)
            assert seconds <= ONE_CALL, f"{number} at {counter} in {language}, recall {recall}: {seconds:.2f} s"
            joined = announcer.call_audio(number, counter, ["de", language], recall=recall)
            assert wav_seconds(joined) <= ONE_CALL
            longest = max(longest, seconds)
    print(f"\nlongest single call with {language}: {longest:.2f} s")


def test_a_burst_of_eight_counters_is_spoken_within_five_seconds_of_showing(announcer: Announcer) -> None:
    heard, finished = replay([(index * 0.05, c) for index, c in enumerate(BURST)], ClipRenderer(announcer=announcer))
    assert report("burst of 8", heard) <= LIMIT
    # In call order, each exactly once.
    assert [c.number for a in finished for c in a.calls] == [c.number for c in BURST]
    assert sorted(heard, key=lambda n: heard[n].words) == [c.number for c in BURST]


def test_a_burst_spread_over_two_seconds_is_spoken_in_time(announcer: Announcer) -> None:
    heard, _ = replay([(index * 0.3, c) for index, c in enumerate(BURST)], ClipRenderer(announcer=announcer))
    assert report("8 calls 0.3 s apart", heard) <= LIMIT


def test_calls_one_and_a_half_seconds_apart_catch_up(announcer: Announcer) -> None:
    heard, _ = replay([(index * 1.5, c) for index, c in enumerate(BURST)], ClipRenderer(announcer=announcer))
    assert report("8 calls 1.5 s apart", heard) <= LIMIT


def test_calls_with_time_to_spare_name_their_counters(announcer: Announcer) -> None:
    spoken = announcer.catch_up([("A017", "3"), ("B004", "12")], "de", [5.0, 5.0])
    assert spoken.counters == (True, True)
    # A burst: bare numbers, faster (the screen shows the counters).
    hurried = announcer.catch_up([(c.number, c.counter) for c in BURST], "de", [5.0] * len(BURST))
    assert not any(hurried.counters) and hurried.speed > spoken.speed
    assert all(start <= 5.0 for start in hurried.starts)


def test_fixed_languages_are_spoken_whatever_the_ticket_says(announcer: Announcer) -> None:
    renderer = ClipRenderer(["de", "tr"], announcer=announcer)
    assert renderer.languages_for(BURST[1]) == ("de", "tr")
    assert ClipRenderer(announcer=announcer).languages_for(BURST[1]) == ("de", "en")
    assert ClipRenderer(announcer=announcer).languages_for(BURST[0]) == ("de",)
    rendered = renderer(Announcement([BURST[3]]))
    assert len(rendered.clips) == 3


def test_a_recall_is_announced_as_a_recall(announcer: Announcer) -> None:
    assert announcer.text("A017", "3", "de", recall=True).startswith("Erneut")
    assert announcer.text("A017", "3", "en", recall=True).startswith("Again")
    plain = announcer.pieces("A017", "3", ["de"])
    again = announcer.pieces("A017", "3", ["de"], recall=True)
    assert wav_seconds(again[1]) > wav_seconds(plain[1]) + 0.3  # "Erneut:" is really spoken
