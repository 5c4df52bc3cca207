"""Translated texts of the hardware layer (tickets, announcements) from `hardware/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for, normalise_language

LOCALES_DIR = Path(__file__).parent / "locales"


def catalog() -> Catalog:
    """The hardware layer's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))


def text(key: str, language: str, /, **values: object) -> str:
    """Translate one hardware message, falling back to English then German."""
    return catalog().text(key, language, **values)


def plural_category(language: str, count: int) -> str:
    """Name the CLDR plural category of a count, for the languages we ship."""
    lang = normalise_language(language)
    if count == 0:
        return "zero"
    if lang in ("ru", "uk"):
        # Slavic plurals depend on the last digits: 1, 21 → one; 2-4, 22-24 → few; else many.
        if count % 10 == 1 and count % 100 != 11:
            return "one"
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            return "few"
        return "other"
    if lang == "ar":
        if count == 1:
            return "one"
        if count == 2:
            return "two"
        return "few" if 3 <= count % 100 <= 10 else "other"
    return "one" if count == 1 else "other"


def plural_text(key: str, language: str, count: int) -> str:
    """Translate a message with plural variants (`key.one`, `key.few`, …, `key.other`)."""
    lang = normalise_language(language)
    own = catalog().messages.get(lang, {})
    category = plural_category(lang, count)
    # Only take a category from the citizen's own language; a fallback language has other rules.
    chosen = f"{key}.{category}" if f"{key}.{category}" in own else f"{key}.other"
    return text(chosen, lang, count=count)
