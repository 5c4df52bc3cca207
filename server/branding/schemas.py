"""The public shape of a site's branding."""

from __future__ import annotations

from pydantic import BaseModel


class BrandingOut(BaseModel):
    """What screens and kiosks show of the office: band colours, ticket footers, the logo's URL."""

    background: str
    text: str
    # The ticket footer per language; a language without one falls back to German.
    footer: dict[str, str]
    # A path on this server (content-versioned, cacheable); null when the site has no logo.
    logo_url: str | None
