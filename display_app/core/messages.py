"""The display app's translated texts from `display_app/locales`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def catalog() -> Catalog:
    """The display's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES_DIR))


def text(key: str, language: str, /, **values: object) -> str:
    """Translate one display message."""
    return catalog().text(key, language, **values)
