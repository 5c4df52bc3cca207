"""What the speech guide says, from `kiosk_app/speech_mode/locales/{lang}.json`, plurals by CLDR."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale

from aufruf.i18n import Catalog, base_language, catalog_for, normalise_language

LOCALES = Path(__file__).resolve().parent / "locales"


def catalog() -> Catalog:
    """The speech guide's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES))


def spoken(key: str, language: str, /, **values: object) -> str:
    """One spoken text in a language (its own language first, then English, then German)."""
    return catalog().text(key, language, **values)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(base_language(language))


def counted(key: str, language: str, count: int, /, **values: object) -> str:
    """`{key}.none` for 0, else the CLDR plural form (`.one`, `.few`, …), falling back to `.other`."""
    if count == 0:
        return spoken(f"{key}.none", language, count=count, **values)
    form = _locale(language).plural_form(count)
    own = catalog().messages.get(normalise_language(language), {})
    chosen = f"{key}.{form}" if f"{key}.{form}" in own else f"{key}.other"
    return spoken(chosen, language, count=count, **values)
