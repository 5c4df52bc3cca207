"""Public shapes of counters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from server.tickets.schemas import TicketOut


class CounterOut(BaseModel):
    """A counter's state as counter apps and displays see it."""

    id: str
    site: str
    key: str = ""  # the id within its site; equals `id` unless another site has a counter of that name
    name: str
    room: str | None
    status: str
    clerk: str | None
    services: list[str]
    active_services: list[str]
    current: TicketOut | None
    express: bool = False
    paused_until: datetime | None = None


class PauseIn(BaseModel):
    """An optional pause length, so citizens can be told when the counter's services resume."""

    minutes: int | None = Field(default=None, ge=1, le=480)


class CounterServicesIn(BaseModel):
    """The services a clerk chooses to serve today at this counter."""

    services: list[str] = Field(default_factory=list, max_length=50)
