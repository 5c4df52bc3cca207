"""The status page's message catalog and the language a visitor sees."""

from __future__ import annotations

from pathlib import Path

from aufruf.i18n import EASY_GERMAN, Catalog, catalog_for, normalise_language

LOCALES = Path(__file__).resolve().parent / "locales"


def catalog() -> Catalog:
    """The status page's messages in every shipped language."""
    return catalog_for(str(LOCALES))


def choose_language(*, asked: str | None, ticket_language: str | None, offered: list[str]) -> str:
    """The asked language if the site offers it, else the ticket's, else the site's first."""
    shipped = set(catalog().languages)
    available = [lang for lang in with_variants(offered) if lang in shipped] or ["de"]
    for candidate in (asked, ticket_language):
        if candidate and normalise_language(candidate) in available:
            return normalise_language(candidate)
    return available[0]


def with_variants(offered: list[str]) -> list[str]:
    """The site's languages, with Leichte Sprache right after German wherever German is offered."""
    result: list[str] = []
    for language in offered:
        result.append(language)
        if language == "de" and EASY_GERMAN not in offered:
            result.append(EASY_GERMAN)
    return result


def messages(language: str) -> dict[str, str]:
    """Every message in one language, missing ones filled from English then German."""
    texts = catalog()
    return {key: texts.text(key, language) for key in texts.messages.get("de", {})}
