"""Persistence models of the event log and its per-site sequence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class SiteSequence(SQLModel, table=True):
    """The last event sequence number used at a site; its row lock orders all writes."""

    site_id: str = Field(primary_key=True, max_length=40)
    last_seq: int = 0


class EventRecord(SQLModel, table=True):
    """One state change, never updated or deleted: the source of statistics and audits."""

    __table_args__ = (UniqueConstraint("site_id", "seq", name="uq_event_site_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(max_length=40, index=True)
    seq: int
    type: str = Field(max_length=40, index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=80)
    ticket_id: int | None = Field(default=None, index=True)
    counter_id: str | None = Field(default=None, max_length=40)
    service_key: str | None = Field(default=None, max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
