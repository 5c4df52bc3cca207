"""Plural forms and dates from CLDR (through Babel), so no surface hand-writes language rules."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from babel import Locale
from babel.dates import format_skeleton

from aufruf.i18n import Catalog, normalise_language

# English in a German office follows British usage: "1 Dec 2026", never the ambiguous 12/1.
LOCALES: dict[str, str] = {"en": "en_GB"}


@cache
def locale_for(language: str) -> Locale:
    """Babel's locale for one of our language codes (German when Babel does not know it)."""
    lang = normalise_language(language)
    try:
        return Locale.parse(LOCALES.get(lang, lang))
    except (ValueError, LookupError):
        return Locale.parse("de")


def plural_category(language: str, count: int) -> str:
    """CLDR's plural category of a count: zero, one, two, few, many or other."""
    return str(locale_for(language).plural_form(abs(count)))


def plural_text(catalog: Catalog, key: str, language: str, count: int, /, **values: object) -> str:
    """`key.zero` for nothing ahead (if the catalog has it), else the CLDR form, else `key.other`."""
    lang = normalise_language(language)
    own = catalog.messages.get(lang, {})
    candidates = ([f"{key}.zero"] if count == 0 else []) + [f"{key}.{plural_category(lang, count)}"]
    # Only a form of the language's own file: another language's forms follow other rules.
    chosen = next((c for c in candidates if c in own), f"{key}.other")
    return catalog.text(chosen, lang, count=count, **values)


def format_day(moment: datetime, language: str) -> str:
    """An unambiguous date: "1.12.2026" in German, "1 Dec 2026", "1 дек. 2026 г." elsewhere."""
    skeleton = "yMd" if normalise_language(language) == "de" else "yMMMd"
    return _plain(str(format_skeleton(skeleton, moment, locale=locale_for(language))))


def format_clock(moment: datetime, language: str) -> str:
    """Hours and minutes on the 24-hour clock, as the language writes them."""
    return _plain(str(format_skeleton("Hm", moment, locale=locale_for(language))))


def _plain(text: str) -> str:
    # CLDR's narrow and no-break spaces are missing from receipt printers' code pages.
    return text.replace("\u202f", " ").replace("\u00a0", " ")
