"""Request and answer shapes of the day's controls (staff only, apart from what the streams carry)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

# Language tag -> text; checked in rules.clean_texts (German and English required).
Texts = dict[str, str]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class CloseServiceIn(Strict):
    """Close a service for the rest of the day, with what kiosks and phones say."""

    message: Texts = Field(max_length=12)


class QuotaIn(Strict):
    """Today's quota; null goes back to the configured one."""

    quota: int | None = Field(ge=0, le=100_000)


class NoticeIn(Strict):
    """A message on the displays and kiosks: give `expires_at` (with its zone) or `minutes` from now."""

    texts: Texts = Field(max_length=12)
    expires_at: datetime | None = None
    minutes: int | None = Field(default=None, ge=1, le=1440)


class MoveIn(Strict):
    """Where the waiting tickets go."""

    to: str = Field(min_length=1, max_length=40)


class ServiceControlOut(BaseModel):
    """A service's state for today as the supervisor sees it."""

    id: str
    name: str
    business_day: date
    closed: bool
    message: Texts
    quota: int | None
    configured_quota: int | None
    issued: int
    waiting: int
    updated_by: str | None = None


class NoticeOut(BaseModel):
    """A notice with who posted it (staff view)."""

    id: int
    texts: Texts
    created_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    showing: bool
    created_by: str


class MovedOut(BaseModel):
    """The tickets moved, in their new line's order."""

    from_service: str
    to_service: str
    moved: list[str]


class CounterHolderOut(BaseModel):
    """Who holds a counter now (staff only)."""

    counter: str
    key: str
    name: str
    status: str
    session: int | None
    clerk: str | None
    username: str | None
    workstation: str | None
    opened_at: datetime | None
    last_seen_at: datetime | None
    current: str | None


class DayControlsOut(BaseModel):
    """Everything the supervisor page's controls show."""

    site: str
    business_day: date
    services: list[ServiceControlOut]
    notices: list[NoticeOut]
    counters: list[CounterHolderOut]
