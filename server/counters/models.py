"""Persistence models of counters and the services each may serve."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class CounterStatus(StrEnum):
    """Whether a counter takes citizens right now."""

    closed = "closed"
    open = "open"
    paused = "paused"


class Counter(SQLModel, table=True):
    """A place where a clerk serves citizens: `key` is its id within the site, `id` across the installation."""

    # A unique index rather than a constraint: SQLite adds it without rebuilding a referenced table.
    __table_args__ = (Index("uq_counter_site_key", "site_id", "key", unique=True),)

    # The key itself while no other site uses it, else "site:key" (see server/counters/addressing.py).
    id: str = Field(primary_key=True, max_length=40)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    key: str = Field(default="", max_length=40)
    name: str
    room: str | None = None
    status: str = Field(default=CounterStatus.closed, sa_column=Column(String(16), nullable=False))
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    current_ticket_id: int | None = Field(default=None)
    # Services chosen for today, a subset of what the counter may serve; empty means all.
    active_services: str = ""
    # An express counter takes other matters only once they grow urgent (server/tickets/express.py).
    express: bool = False
    # A pause with a known end, so kiosks and phones can say when the counter's services resume.
    paused_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class CounterService(SQLModel, table=True):
    """A service a counter may serve, with its rank in the counter's order of preference."""

    counter_id: str = Field(foreign_key="counter.id", primary_key=True, max_length=40)
    service_pk: int = Field(foreign_key="service.pk", primary_key=True)
    rank: int = 0
