"""The display page's translated texts from `server/display_page/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for

LOCALES_DIR = Path(__file__).parent / "locales"


def catalog() -> Catalog:
    """The display's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))
