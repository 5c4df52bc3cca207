"""Persistence models of the day's controls: per-service overrides for one business day, and site notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class ServiceDayControl(SQLModel, table=True):
    """A supervisor's override of one service for one business day; the next day starts without it."""

    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=40)
    service_pk: int = Field(foreign_key="service.pk", primary_key=True)
    business_day: date = Field(sa_column=Column(Date(), primary_key=True))
    # Closed for the rest of the day: no new tickets; the ones already waiting stay and are served.
    closed: bool = False
    # What kiosks and phones show while closed, per language ({"de": "...", "en": "..."}); German always.
    message: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    # Today's quota instead of the configured one; None keeps the configured quota.
    quota: int | None = None
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_by: str = Field(max_length=80)


class SiteNotice(SQLModel, table=True):
    """A message on a site's displays and kiosks until it expires or a supervisor withdraws it."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    texts: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by: str = Field(max_length=80)
