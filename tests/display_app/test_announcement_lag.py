"""How long after a call is shown it is spoken, with real espeak-ng clips played for their real length.

The player runs on a simulated clock (tests.support.audio_clock): each clip takes exactly as long
as its WAV file says, and rendering takes as long as espeak-ng really took, so a burst that would
keep a waiting room listening for a minute is checked in a second.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from display_app.audio.render import ClipRenderer
from display_app.core.announcements import Announcement, AnnouncementQueue
from display_app.core.state import Call
from hardware.audio import Announcer, EspeakSpeech, gong
from tests.support.audio_clock import SimulatedAudio, wav_seconds

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru")
# Eight counters of the example office, each calling a citizen who chose another language.
BURST = [
    Call("A017", "3", "Schalter 3", "anmeldung", language="de"),
    Call("B004", "5", "Schalter 5", "anmeldung", language="en"),
    Call("P012", "2", "Schalter 2", "ausweis", language="tr"),
    Call("K003", "6", "Schalter 6", "kfz", language="ar"),
    Call("F009", "1", "Schalter 1", "fuehrungszeugnis", language="uk"),
    Call("M021", "4", "Schalter 4", "meldebescheinigung", language="ru"),
    Call("D005", "7", "Schalter 7", "abholung", language="de"),
    Call("S002", "8", "Standesamt", "standesamt", language="en"),
]


@pytest.fixture(scope="module")
def announcer(tmp_path_factory: pytest.TempPathFactory) -> Announcer:
    speech = EspeakSpeech(cache_dir=tmp_path_factory.mktemp("speech"))
    if not speech.available:
        pytest.fail("espeak-ng is part of the setup (scripts/setup) and must be installed")
    return Announcer(speech=speech)


@dataclass
class Heard:
    """When a call appeared, when its announcement began, and when its own words began."""

    shown: float
    started: float
    words: float


def replay(calls: Sequence[tuple[float, Call]], renderer: ClipRenderer) -> dict[str, Heard]:
    """Show calls at the given moments and play their announcements; when each one was heard."""
    audio = SimulatedAudio()
    shown: dict[str, float] = {}
    started: dict[str, float] = {}
    words: dict[str, float] = {}

    def render(announcement: Announcement) -> None:
        began = time.perf_counter()
        audio_clips = renderer(announcement.calls)
        spent = time.perf_counter() - began  # espeak-ng's real time delays the announcement too
        audio.at(audio.now + spent, lambda: queue.rendered(announcement, audio_clips))

    def on_started(announcement: Announcement) -> None:
        # Clip by clip: the gong, then one clip per call (catch-up) or per language (alone).
        clips = announcement.clips or []
        offsets, at = [], audio.now
        for clip in clips:
            offsets.append(at)
            at += wav_seconds(clip)
        for index, call in enumerate(announcement.calls):
            started[call.number] = audio.now
            words[call.number] = offsets[min(1 + index, len(offsets) - 1)]

    queue = AnnouncementQueue(
        audio, render=render, later=lambda seconds, action: audio.at(audio.now + seconds, action),
        on_started=on_started,
    )
    for moment, call in calls:
        def show(call: Call = call, moment: float = moment) -> None:
            shown[call.number] = moment
            queue.push(call)

        audio.at(moment, show)
    audio.run()
    assert not queue.busy
    return {n: Heard(shown[n], started[n], words[n]) for n in shown}


def report(title: str, heard: dict[str, Heard]) -> float:
    lags = {n: h.started - h.shown for n, h in heard.items()}
    word_lags = {n: h.words - h.shown for n, h in heard.items()}
    print(f"\n{title}: announcement starts {max(lags.values()):.1f} s after showing at most; "
          f"own words after {', '.join(f'{n} {v:.1f}' for n, v in word_lags.items())} s")
    return max(lags.values())


def test_one_call_with_gong_german_and_the_ticket_language_lasts_at_most_six_seconds(announcer: Announcer) -> None:
    renderer = ClipRenderer(announcer=announcer)
    for number, counter in (("A017", "3"), ("B004", "5"), ("S002", "8"), ("F031", "1")):
        for language in LANGUAGES:
            rendered = renderer([Call(number, counter, "", "x", language=language)])
            expected = 2 if language == "de" else 3  # gong, German, and the ticket's language
            assert len(rendered.clips) == expected and rendered.clips[0] == gong()
            seconds = sum(wav_seconds(clip) for clip in rendered.clips)
            assert seconds <= 6.0, f"{number} at {counter} in {language}: {seconds:.2f} s"


def test_a_burst_of_eight_counters_is_spoken_within_five_seconds_of_showing(announcer: Announcer) -> None:
    heard = replay([(index * 0.05, call) for index, call in enumerate(BURST)], ClipRenderer(announcer=announcer))
    assert report("burst of 8", heard) <= 5.0
    # In call order, none left out.
    order = sorted(heard, key=lambda n: (heard[n].words, [c.number for c in BURST].index(n)))
    assert order == [c.number for c in BURST]


def test_calls_one_and_a_half_seconds_apart_catch_up(announcer: Announcer) -> None:
    calls = [(index * 1.5, call) for index, call in enumerate(BURST)]
    heard = replay(calls, ClipRenderer(announcer=announcer))
    assert report("8 calls 1.5 s apart", heard) <= 5.0
    for name, entry in heard.items():
        assert entry.words - entry.shown <= 8.0, name


def test_fixed_languages_are_spoken_whatever_the_ticket_says(announcer: Announcer) -> None:
    renderer = ClipRenderer(["de", "tr"], announcer=announcer)
    assert renderer.languages_for(BURST[1]) == ("de", "tr")
    assert ClipRenderer(announcer=announcer).languages_for(BURST[1]) == ("de", "en")
    assert ClipRenderer(announcer=announcer).languages_for(BURST[0]) == ("de",)
    rendered = renderer([BURST[3]])
    assert len(rendered.clips) == 3


def test_a_recall_is_announced_as_a_recall(announcer: Announcer) -> None:
    assert announcer.text("A017", "3", "de", recall=True).startswith("Erneut")
    assert announcer.text("A017", "3", "en", recall=True).startswith("Again")
    plain = announcer.pieces("A017", "3", ["de"])
    again = announcer.pieces("A017", "3", ["de"], recall=True)
    assert wav_seconds(again[1]) > wav_seconds(plain[1]) + 0.3  # "Erneut:" is really spoken
