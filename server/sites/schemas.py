"""Public shapes of sites and services."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from server.branding.schemas import BrandingOut


class ServiceOut(BaseModel):
    """A service as kiosks, displays and status pages see it."""

    id: str
    prefix: str
    name: str
    names: dict[str, str]
    waiting: int
    # null while no counter serves the service (`served_now` false): no range is promised then.
    eta_minutes: tuple[int, int] | None
    open: bool
    closed_reason: str | None = None
    # A supervisor closed the service for the rest of the day: their message per language (German always).
    closed_message: dict[str, str] | None = None
    target_wait_minutes: int
    express: bool
    longest_wait_minutes: int = 0
    # The waiting room is full: citizens may wait outside and follow their ticket on the phone.
    wait_outside: bool = False
    # No open, unpaused counter serves it now; `served_from` when a pause end or an opening time is known.
    served_now: bool = True
    served_from: datetime | None = None
    served_from_time: str | None = None  # served_from as HH:MM in the site's time zone


class SiteOut(BaseModel):
    """A site's public facts."""

    id: str
    name: str
    timezone: str
    languages: list[str]
    near_turn_alert: int
    # Logo, band colours and ticket footers from the office file; null: Aufruf's own look.
    branding: BrandingOut | None = None
