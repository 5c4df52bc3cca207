"""Public shapes of sites and services."""

from __future__ import annotations

from pydantic import BaseModel


class ServiceOut(BaseModel):
    """A service as kiosks, displays and status pages see it."""

    id: str
    prefix: str
    name: str
    names: dict[str, str]
    waiting: int
    eta_minutes: tuple[int, int]
    open: bool
    closed_reason: str | None = None
    target_wait_minutes: int
    express: bool
    longest_wait_minutes: int = 0
    # The waiting room is full: citizens may wait outside and follow their ticket on the phone.
    wait_outside: bool = False


class SiteOut(BaseModel):
    """A site's public facts."""

    id: str
    name: str
    timezone: str
    languages: list[str]
    near_turn_alert: int
