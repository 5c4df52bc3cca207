"""The counter app's texts in the clerk's language, German unless chosen otherwise."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import catalog_for

LOCALES = Path(__file__).resolve().parent / "locales"


class Texts:
    """Looks up message keys in `counter_app/locales/{de,en}.json`."""

    def __init__(self, language: str = "de") -> None:
        self.language = language
        self.catalog = catalog_for(str(LOCALES))

    def __call__(self, key: str, /, **values: object) -> str:
        """The text for a key, filled with values."""
        return self.catalog.text(key, self.language, **values)

    def has(self, key: str) -> bool:
        """Whether the catalogs define a key."""
        return any(key in texts for texts in self.catalog.messages.values())
