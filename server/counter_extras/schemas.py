"""Public shapes of the silent alarm."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AlarmIn(BaseModel):
    """A clerk's silent call for help; the note is optional."""

    note: str | None = Field(default=None, max_length=200)


class AlarmOut(BaseModel):
    """An alarm as supervisors receive it."""

    id: int
    site: str
    counter: str
    counter_name: str
    room: str | None
    clerk: str
    note: str | None
    at: datetime
