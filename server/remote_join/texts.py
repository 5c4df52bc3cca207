"""The join page's message catalog, and the times it shows in the citizen's locale (Babel/CLDR)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time

from aufruf.i18n import Catalog, base_language, catalog_for

LOCALES = Path(__file__).resolve().parent / "locales"


def catalog() -> Catalog:
    """The join page's messages in every shipped language."""
    return catalog_for(str(LOCALES))


def messages(language: str) -> dict[str, str]:
    """Every message in one language, missing ones filled from English then German."""
    texts = catalog()
    return {key: texts.text(key, language) for key in texts.messages.get("de", {})}


def clock_time(moment: datetime, *, zone: str, language: str) -> str:
    """A time of day at the site, as the citizen's locale writes it (CLDR's short time format)."""
    return format_time(moment, format="short", tzinfo=ZoneInfo(zone), locale=Locale.parse(base_language(language)))
