"""The supervisor page's texts (German and English) from `server/supervisor_page/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("de", "en")


def catalog() -> Catalog:
    """The page's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))
