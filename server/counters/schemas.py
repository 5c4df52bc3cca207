"""Public shapes of counters."""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.tickets.schemas import TicketOut


class CounterOut(BaseModel):
    """A counter's state as counter apps and displays see it."""

    id: str
    site: str
    name: str
    room: str | None
    status: str
    clerk: str | None
    services: list[str]
    active_services: list[str]
    current: TicketOut | None


class CounterServicesIn(BaseModel):
    """The services a clerk chooses to serve today at this counter."""

    services: list[str] = Field(default_factory=list, max_length=50)
