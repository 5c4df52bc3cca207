"""Message catalogs shared by every citizen-facing surface (printer, kiosk, display, web)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# German first, English always; these six are the languages every surface must offer.
DEFAULT_LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk", "ru")
FALLBACK_CHAIN: tuple[str, ...] = ("en", "de")
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa", "he", "ur", "ps", "ku"})
# Leichte Sprache (easy German) as a BCP 47 private-use variant: browsers, screen readers and
# Babel see the primary subtag "de"; the catalogs keep it apart as a language of its own.
EASY_GERMAN = "de-x-ls"
# Language variants a catalog may carry besides plain primary subtags.
VARIANTS: frozenset[str] = frozenset({EASY_GERMAN})

# Each language's own name, so a citizen recognises theirs on a language button.
NATIVE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    EASY_GERMAN: "Leichte Sprache",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "fa": "فارسی",
    "pl": "Polski",
    "ro": "Română",
}


class UnknownMessage(KeyError):
    """A message key that no catalog in the fallback chain defines."""


def is_rtl(language: str) -> bool:
    """Tell whether a language is written right to left."""
    return language.split("-")[0] in RTL_LANGUAGES


def normalise_language(language: str | None) -> str:
    """Reduce a tag such as 'de-DE' or 'AR' to its lower-case primary subtag; known variants stay."""
    if not language:
        return "de"
    tag = language.replace("_", "-").strip().lower()
    if tag in VARIANTS:
        return tag
    return tag.split("-")[0] or "de"


def base_language(language: str) -> str:
    """The primary subtag, for what knows only real languages: HTML `lang`, Babel, voices."""
    return normalise_language(language).split("-")[0]


def own_or_german(texts: Mapping[str, str], language: str) -> str | None:
    """An office's own text in a language, else in its base language, else the German one; None if none."""
    wanted = normalise_language(language)
    for lang in dict.fromkeys((wanted, base_language(wanted), "de")):
        if texts.get(lang, "").strip():
            return texts[lang].strip()
    return None


@dataclass(frozen=True)
class Catalog:
    """The messages of one component in every language it ships, loaded from `{lang}.json` files."""

    directory: Path
    messages: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> Catalog:
        """Read every `{lang}.json` file in a directory."""
        messages = {
            path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))
        }
        return cls(directory=directory, messages=messages)

    @property
    def languages(self) -> list[str]:
        """The languages this catalog has a file for, German and English first."""
        rest = sorted(set(self.messages) - {"de", "en"})
        return [lang for lang in ("de", "en") if lang in self.messages] + rest

    def text(self, key: str, language: str, /, **values: object) -> str:
        """Translate a key into a language, falling back to English then German."""
        wanted = normalise_language(language)
        # A variant falls back to its own language first (Leichte Sprache to German).
        for lang in dict.fromkeys((wanted, base_language(wanted), *FALLBACK_CHAIN)):
            template = self.messages.get(lang, {}).get(key)
            if template is not None:
                return template.format(**values) if values else template
        raise UnknownMessage(key)

    def missing(self) -> dict[str, list[str]]:
        """List, per language, the keys that German defines but that language lacks."""
        reference = set(self.messages.get("de", {}))
        return {lang: sorted(reference - set(texts)) for lang, texts in self.messages.items() if reference - set(texts)}


@cache
def catalog_for(directory: str) -> Catalog:
    """Load a catalog once per process."""
    return Catalog.load(Path(directory))
