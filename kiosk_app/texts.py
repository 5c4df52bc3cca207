"""The kiosk's citizen-facing texts, from `kiosk_app/locales/{lang}.json`."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import Catalog, catalog_for

LOCALES = Path(__file__).resolve().parent / "locales"


def catalog() -> Catalog:
    """The kiosk's message catalog, loaded once per process."""
    return catalog_for(str(LOCALES))


def tr(key: str, language: str, /, **values: object) -> str:
    """Translate one message key into a language (English, then German as fallback)."""
    return catalog().text(key, language, **values)


def people_ahead(language: str, count: int, eta: tuple[int, int] | None) -> str:
    """'N people ahead of you, about X-Y minutes', with the right form for 0, 1 and more."""
    low, high = eta or (0, 0)
    form = "zero" if count == 0 else "one" if count == 1 else "other"
    return tr(f"ticket.ahead.{form}", language, count=count, low=low, high=high)


def not_served(language: str, served_from_time: str | None, screen: str) -> str:
    """'Not served at the moment', with 'expected from HH:MM' when the server knows it."""
    if served_from_time:
        return tr(f"{screen}.not_served_from", language, time=served_from_time)
    return tr(f"{screen}.not_served", language)


def closed_key(reason: str | None) -> str:
    """The message key for a service's `closed_reason`; a reason this kiosk does not know says "closed"."""
    key = f"closed.{reason or 'closed'}"
    return key if key in catalog().messages.get("de", {}) else "closed.closed"
