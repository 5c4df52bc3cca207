"""Call audio: gong, espeak-ng speech per language, caching, joining and the fallback."""

from __future__ import annotations

import io
import logging
import math
import time
import wave
from array import array
from pathlib import Path

import pytest

from hardware.audio import Announcer, EspeakSpeech, duration, gong, rms, spoken_number
from hardware.audio.wav import RATE, chime, decode_wav, faster, join_wav

LANGUAGES = ["de", "en", "tr", "ar", "uk", "ru"]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> EspeakSpeech:
    engine = EspeakSpeech(cache_dir=tmp_path_factory.mktemp("speech"))
    if not engine.available:
        pytest.fail("espeak-ng is not installed; scripts/setup installs it")
    return engine


def params(data: bytes) -> tuple[int, int, int]:
    with wave.open(io.BytesIO(data)) as source:
        return source.getnchannels(), source.getsampwidth(), source.getframerate()


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("A017", "A 17"), ("B100", "B 100"), ("AB-005", "A B 5"), ("3", "3"), ("12B", "12 B"),
        # Four digits and more in pairs, as people read long numbers; a pair starting with 0 digit by digit.
        ("FZ1234", "F Z 12 34"), ("AB1005", "A B 10 0 5"), ("C12345", "C 1 23 45"), ("D01234", "D 12 34"),
    ],
)
def test_numbers_are_spoken_as_people_say_them(number: str, spoken: str) -> None:
    assert spoken_number(number) == spoken


def test_gong_is_a_loud_chime_under_a_second() -> None:
    chime = gong()
    assert params(chime) == (1, 2, RATE)
    assert duration(chime) == pytest.approx(0.9)  # leaves five seconds for German and one more language
    assert rms(chime) > 1000
    samples = array("h", decode_wav(chime))
    assert max(abs(s) for s in samples) < 32767  # no clipping
    assert rms(chime[:-RATE]) > rms(chime)  # it fades out


@pytest.mark.parametrize("language", LANGUAGES)
def test_espeak_announces_in_each_language(speech: EspeakSpeech, language: str) -> None:
    announcer = Announcer([language], speech=speech)
    wav = announcer.speech_for("A017", "3", language)
    assert wav is not None
    assert params(wav) == (1, 2, RATE)
    assert 1.5 < duration(wav) < 10
    assert rms(wav) > 500  # speech, not silence


def test_announcement_text_and_ssml() -> None:
    announcer = Announcer(["de"])
    assert announcer.text("A017", "3", "de") == "Nummer A 17, Schalter 3."
    assert announcer.text("A017", "3", "de", recall=True) == "Erneut: Nummer A 17, Schalter 3."
    ssml = announcer.ssml("A017", "3", "en")
    assert '<say-as interpret-as="characters">A</say-as> 17' in ssml


def test_repeat_is_served_from_the_cache(speech: EspeakSpeech, tmp_path: Path) -> None:
    cold = EspeakSpeech(cache_dir=tmp_path)
    ssml = Announcer().ssml("C042", "12", "de")
    started = time.perf_counter()
    first = cold.synthesize(ssml, "de")
    uncached = time.perf_counter() - started
    assert len(list(tmp_path.glob("*.wav"))) == 1
    started = time.perf_counter()
    assert cold.synthesize(ssml, "de") == first
    assert time.perf_counter() - started < max(uncached / 5, 0.002)
    # A new process finds it on disk, without running espeak-ng again.
    warm = EspeakSpeech(cache_dir=tmp_path, path="/nonexistent")
    warm.binary = "/nonexistent/espeak-ng"  # would fail if it were run
    assert warm.synthesize(ssml, "de") == first


def test_call_audio_is_gong_plus_each_language(speech: EspeakSpeech) -> None:
    announcer = Announcer(["de", "en", "ar"], speech=speech)
    pieces = announcer.pieces("A017", "3")
    assert len(pieces) == 4 and pieces[0] == gong()
    whole = announcer.call_audio("A017", "3")
    assert params(whole) == (1, 2, RATE)
    expected = sum(duration(p) for p in pieces) + 3 * 0.25  # a quarter second between pieces
    assert duration(whole) == pytest.approx(expected, abs=0.01)


def test_without_espeak_the_gong_plays_and_one_warning_is_logged(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    mute = EspeakSpeech(cache_dir=tmp_path, path=str(tmp_path))
    assert not mute.available
    announcer = Announcer(["de", "en"], speech=mute)
    with caplog.at_level(logging.WARNING):
        first = announcer.call_audio("A017", "3")
        second = announcer.call_audio("B002", "4")
    assert duration(first) == duration(second) == pytest.approx(duration(gong()))
    warnings = [r for r in caplog.records if "espeak-ng not found" in r.getMessage()]
    assert len(warnings) == 1


def test_foreign_wav_formats_are_converted_with_sox() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44100)
        tone = array("h", (int(8000 * math.sin(i / 10)) for i in range(44100)))
        out.writeframes(array("h", (s for s in tone for _ in range(2))).tobytes())
    joined = join_wav([gong(), buffer.getvalue()], gap=0.5)
    assert params(joined) == (1, 2, RATE)
    assert duration(joined) == pytest.approx(duration(gong()) + 0.5 + 1.0, abs=0.01)


def test_the_catch_up_chime_is_short_and_faster_speech_is_shorter(speech: EspeakSpeech) -> None:
    assert duration(chime()) == pytest.approx(0.3) and rms(chime()) > 1000
    spoken = Announcer(speech=speech).speech_for("FZ1234", "12", "de")
    assert spoken is not None
    quick = faster(spoken, 1.5)
    assert params(quick) == (1, 2, RATE)
    assert duration(quick) == pytest.approx(duration(spoken) / 1.5, rel=0.05)
    assert rms(quick) > 0.5 * rms(spoken)  # still speech, not silence
