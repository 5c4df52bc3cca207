"""Persistence models of counters and the services each may serve."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel


class CounterStatus(StrEnum):
    """Whether a counter takes citizens right now."""

    closed = "closed"
    open = "open"
    paused = "paused"


class Counter(SQLModel, table=True):
    """A place where a clerk serves citizens; its id is unique across the installation."""

    id: str = Field(primary_key=True, max_length=40)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    name: str
    room: str | None = None
    # Room, floor and directions per language from the office file, as JSON (see server.counters.location).
    location: str | None = None
    status: str = Field(default=CounterStatus.closed, sa_column=Column(String(16), nullable=False))
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    current_ticket_id: int | None = Field(default=None)
    # Services chosen for today, a subset of what the counter may serve; empty means all.
    active_services: str = ""


class CounterService(SQLModel, table=True):
    """A service a counter may serve, with its rank in the counter's order of preference."""

    counter_id: str = Field(foreign_key="counter.id", primary_key=True, max_length=40)
    service_pk: int = Field(foreign_key="service.pk", primary_key=True)
    rank: int = 0
