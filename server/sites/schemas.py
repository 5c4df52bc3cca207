"""Public shapes of sites and services."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from aufruf.events import ServiceLine
from server.branding.schemas import BrandingOut


class ServiceOut(ServiceLine):
    """A service as kiosks, displays and status pages see it."""

    # The event model keeps a newer server's extra fields for old clients; an answer has only its own.
    model_config = ConfigDict(extra="ignore", frozen=False)


class SiteOut(BaseModel):
    """A site's public facts."""

    id: str
    name: str
    timezone: str
    languages: list[str]
    near_turn_alert: int
    # Logo, band colours and ticket footers from the office file; null: Aufruf's own look.
    branding: BrandingOut | None = None
