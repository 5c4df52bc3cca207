"""Where a counter is, as one short line per language: "Raum 110 · 1. OG · Treppe hoch, dann rechts"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aufruf.i18n import FALLBACK_CHAIN, catalog_for, normalise_language

LOCALES = Path(__file__).resolve().parent / "locales"


def _own_or_fallback(texts: Mapping[str, str], language: str) -> str:
    for lang in (normalise_language(language), *FALLBACK_CHAIN):
        if texts.get(lang, "").strip():
            return texts[lang].strip()
    return ""


def describe(
    *, room: str | None, floor: Mapping[str, str], directions: Mapping[str, str], language: str
) -> str:
    """The counter's location in one language; parts the office file leaves out are skipped."""
    parts = []
    if room:
        parts.append(catalog_for(str(LOCALES)).text("location.room", language, room=room))
    parts.extend(p for p in (_own_or_fallback(floor, language), _own_or_fallback(directions, language)) if p)
    return " · ".join(parts)


def describe_all(
    *, room: str | None, floor: Mapping[str, str], directions: Mapping[str, str], languages: Sequence[str]
) -> dict[str, str]:
    """The location in each of a site's languages; empty when nothing is configured."""
    texts = {lang: describe(room=room, floor=floor, directions=directions, language=lang) for lang in languages}
    return {lang: text for lang, text in texts.items() if text}
