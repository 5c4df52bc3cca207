"""Shapes of counter sessions, for staff only."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class OpenCounterIn(BaseModel):
    """A clerk opening a counter from a workstation; `takeover` ends a session held elsewhere."""

    workstation: str | None = Field(default=None, max_length=80, pattern=r"^[A-Za-z0-9._:@-]*$")
    takeover: bool = False


class CounterSessionOut(BaseModel):
    """Who holds a counter (or last held it) and why it ended; names only for staff."""

    counter: str
    open: bool
    session: int | None
    clerk: str | None
    username: str | None
    workstation: str | None
    opened_at: datetime | None
    last_seen_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    closed_by: str | None
    yours: bool
    # Recalls before the next one marks a no-show (0: never), so the app can warn before that press.
    max_recalls: int = 0


class LogoutOut(BaseModel):
    """The counters closed by logging out."""

    closed: list[str]
