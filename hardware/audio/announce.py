"""Call announcements: gong plus "Nummer A 17, bitte zu Schalter 3" in German and the ticket's language."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from aufruf.i18n import normalise_language
from hardware.audio.speech import EspeakSpeech
from hardware.audio.wav import gong, join_wav
from hardware.messages import text

log = logging.getLogger(__name__)

_PARTS = re.compile(r"[A-Za-z]+|\d+")


def spoken_number(number: str) -> str:
    """How people say a ticket number or counter: "A017" → "A 17", "AB-005" → "A B 5"."""
    words: list[str] = []
    for part in _PARTS.findall(number):
        if part.isdigit():
            words.append(str(int(part)))
        else:
            words.extend(part.upper())
    return " ".join(words) or number


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

    def short_ssml(self, number: str, counter: str, language: str) -> str:
        """One call in the catch-up form, "A 17 Schalter 3", as SSML."""
        template = escape(text("announce.short", language))
        return f"<speak>{template.format(number=_ssml(number), counter=_ssml(counter))}</speak>"

    def speech_for(self, number: str, counter: str, language: str, *, recall: bool = False) -> bytes | None:
        """The spoken announcement in one language as WAV, or None without a speech engine."""
        return self.speech.synthesize(self.ssml(number, counter, language, recall=recall), language)

    def _spoken(self, ssml: str, language: str, what: str) -> bytes | None:
        try:
            return self.speech.synthesize(ssml, language)
        except (RuntimeError, OSError) as error:
            # A broken voice must not silence the call: the gong still plays.
            log.warning("No %s announcement for %s: %s", language, what, error)
            return None

    def pieces(
        self, number: str, counter: str, languages: Sequence[str] | None = None, *, recall: bool = False
    ) -> list[bytes]:
        """The separate WAVs of one call: the gong, then one per language that could be spoken."""
        result = [gong()] if self.with_gong else []
        for language in languages or self.languages:
            lang = normalise_language(language)
            spoken = self._spoken(self.ssml(number, counter, lang, recall=recall), lang, number)
            if spoken is not None:
                result.append(spoken)
        return result or [gong()]

    def catch_up_pieces(self, calls: Sequence[tuple[str, str]], language: str = "de") -> list[bytes]:
        """Calls that queued up: the gong once, then each in the short form, one clip per call."""
        result = [gong()] if self.with_gong else []
        lang = normalise_language(language)
        for number, counter in calls:
            spoken = self._spoken(self.short_ssml(number, counter, lang), lang, number)
            if spoken is not None:
                result.append(spoken)
        return result or [gong()]

    def call_audio(
        self, number: str, counter: str, languages: Sequence[str] | None = None, *, recall: bool = False
    ) -> bytes:
        """One WAV for a call: gong plus the announcement in every configured language."""
        return join_wav(self.pieces(number, counter, languages, recall=recall))
