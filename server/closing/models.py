"""Persistence model of a closed business day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Integer
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class DayClosure(SQLModel, table=True):
    """A site's business day that has been closed: no tickets are issued or called for it any more."""

    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=40)
    business_day: date = Field(sa_column=Column(Date(), primary_key=True))
    closed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # "system" at the configured closing, "clerk:<name>" for a supervisor's "close the day now".
    actor: str = Field(max_length=80)
    reason: str = Field(max_length=40)
    expired: int = 0
    # Of those, tickets drawn from a phone.
    expired_remote: int = Field(default=0, sa_column=Column(Integer(), nullable=False, server_default="0"))
