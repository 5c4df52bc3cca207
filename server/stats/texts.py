"""Column titles and chart texts of the statistics, German and English, from `server/stats/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("de", "en")


def catalog() -> Catalog:
    """The statistics' message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))


def text(key: str, language: str) -> str:
    """One text in German or English."""
    return catalog().text(key, language if language in LANGUAGES else "de")
