"""Public shape of a closed day."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class DayClosureOut(BaseModel):
    """A site's closed business day and how many tickets it ended."""

    site: str
    business_day: date
    closed_at: datetime
    reason: str
    expired: int
    # Of those, tickets drawn from a phone (server/remote_join/).
    expired_remote: int = 0
