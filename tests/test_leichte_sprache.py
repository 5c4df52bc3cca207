"""Leichte Sprache: every citizen-facing text written for it, and the rules a checker can test."""

from __future__ import annotations

import re
import string

import pytest

from aufruf.i18n import EASY_GERMAN, Catalog, base_language, normalise_language
from hardware.messages import catalog as printer_catalog
from kiosk_app.speech_mode.texts import catalog as speech_catalog
from kiosk_app.texts import catalog as kiosk_catalog
from server.remote_join.texts import catalog as remote_join_catalog
from server.status_page.texts import catalog as status_catalog

CATALOGS = {
    "kiosk": kiosk_catalog,
    "kiosk speech": speech_catalog,
    "status page": status_catalog,
    "printed ticket": printer_catalog,
    "remote join page": remote_join_catalog,
}
# Netzwerk Leichte Sprache: no abbreviations, numbers as digits, short sentences, common words.
ABBREVIATIONS = re.compile(r"\b(ca|Min|Nr|bzw|usw|ggf|z\. ?B|d\. ?h|evtl|inkl|Std|Tel)\.", re.IGNORECASE)
NUMBER_WORDS = re.compile(r"\b(eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)\b", re.IGNORECASE)
# Words a Leichte-Sprache text replaces with common ones (standard German catalog wording).
HARD_WORDS = ("Wartebereich", "Buchungscode", "Terminbestätigung", "Benachrichtigung", "aktualisiert", "verfallen")
MAX_WORDS_PER_SENTENCE = 15


def sentences(text: str) -> list[str]:
    """A text split at sentence ends."""
    return [s for s in re.split(r"(?<=[.!?:])\s+", text) if s.strip()]


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", CATALOGS)
def test_every_german_text_has_its_leichte_sprache_text(name: str) -> None:
    catalog: Catalog = CATALOGS[name]()
    german, easy = catalog.messages["de"], catalog.messages.get(EASY_GERMAN)
    assert easy is not None, f"{name} has no {EASY_GERMAN}.json"
    assert sorted(set(german) - set(easy)) == []
    assert sorted(set(easy) - set(german)) == []
    for key, text in german.items():
        assert placeholders(easy[key]) == placeholders(text), key


@pytest.mark.parametrize("name", CATALOGS)
def test_leichte_sprache_follows_the_checkable_rules(name: str) -> None:
    easy = CATALOGS[name]().messages[EASY_GERMAN]
    german = CATALOGS[name]().messages["de"]
    for key, text in easy.items():
        assert not ABBREVIATIONS.search(text), (key, text)
        assert not NUMBER_WORDS.search(text), (key, text)
        assert not any(word.lower() in text.lower() for word in HARD_WORDS), (key, text)
        for sentence in sentences(text):
            assert len(sentence.split()) <= MAX_WORDS_PER_SENTENCE, (key, sentence)
        # Written for it, not copied: longer German texts are reworded.
        if len(german[key].split()) > 6:
            assert text != german[key], key


def test_the_language_code_is_german_to_browsers_and_voices() -> None:
    assert normalise_language("de-x-ls") == normalise_language("DE_x_LS") == EASY_GERMAN
    assert base_language(EASY_GERMAN) == "de"
    assert normalise_language("de-DE") == "de"
    # Nothing missing falls back to English: German comes first.
    catalog = kiosk_catalog()
    assert catalog.text("welcome.title", EASY_GERMAN) == "Willkommen im Bürger-Amt"
