"""Translated texts of the hardware layer (tickets, announcements) from `hardware/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.cldr import plural_text as cldr_plural_text
from aufruf.i18n import Catalog, catalog_for

LOCALES_DIR = Path(__file__).parent / "locales"


def catalog() -> Catalog:
    """The hardware layer's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))


def text(key: str, language: str, /, **values: object) -> str:
    """Translate one hardware message, falling back to English then German."""
    return catalog().text(key, language, **values)


def plural_text(key: str, language: str, count: int, /, **values: object) -> str:
    """Translate a message with CLDR plural variants (`key.one`, `key.few`, …, `key.other`)."""
    return cldr_plural_text(catalog(), key, language, count, **values)
