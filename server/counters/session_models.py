"""Persistence model of a clerk's session at a counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, text
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class CounterSession(SQLModel, table=True):
    """One clerk holding one counter from opening to closing; at most one open per counter."""

    # The database itself refuses a second open session of a counter, even from two servers at once.
    __table_args__ = (
        Index(
            "uq_countersession_open", "site_id", "counter_id", unique=True,
            sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # No foreign key: counter ids are scoped by site, and the pair identifies the counter.
    counter_id: str = Field(max_length=40)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    clerk_id: int = Field(foreign_key="clerk.id", index=True)
    # Chosen by the counter app and kept on the workstation; the same clerk elsewhere must take over.
    workstation: str = Field(default="", max_length=80)
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # closed, logout, timeout, taken_over, day_closed, ended_by_supervisor
    close_reason: str | None = Field(default=None, max_length=20)
    closed_by: str | None = Field(default=None, max_length=80)
