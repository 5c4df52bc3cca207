"""Persistence models of sites and services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Site(SQLModel, table=True):
    """One office with its own queue, numbering, opening hours and time zone."""

    id: str = Field(primary_key=True, max_length=40)
    name: str
    timezone: str = "Europe/Berlin"
    # {"mon": [["08:00", "12:00"], ["14:00", "18:00"]], ...}; empty means closed that day.
    opening_hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    always_open: bool = False
    languages: list[str] = Field(default_factory=lambda: ["de", "en"], sa_column=Column(JSON))
    near_turn_alert: int = 3
    waiting_room_capacity: int | None = None
    # Whether the kiosk still issues tickets for a service no counter serves at the moment.
    issue_when_unserved: bool = True
    # An express counter takes a non-express ticket once its wait reaches this share of its target.
    express_takes_others_at: float = 0.8


class Service(SQLModel, table=True):
    """A matter citizens queue for, with its ticket prefix and service targets."""

    __table_args__ = (
        UniqueConstraint("site_id", "key", name="uq_service_site_key"),
        UniqueConstraint("site_id", "prefix", name="uq_service_site_prefix"),
    )

    pk: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    key: str = Field(max_length=40)
    prefix: str = Field(max_length=3)
    names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    target_wait_minutes: int = 20
    typical_service_minutes: float = 8.0
    daily_quota: int | None = None
    last_ticket_minutes: int = 0
    express: bool = False
    number_width: int = 3
    position: int = 0
    active: bool = True

    def name_in(self, language: str) -> str:
        """The service's name in a language, falling back to English, German, then the key."""
        return self.names.get(language) or self.names.get("en") or self.names.get("de") or self.key
