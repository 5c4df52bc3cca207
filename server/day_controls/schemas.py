"""Request and answer shapes of the day's controls (staff only, apart from what the streams carry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.day_controls.rules import MAX_TEXT

# Language tag -> text, as stored and sent on the streams.
Texts = dict[str, str]
# Some visible character, at most MAX_TEXT long: the schema itself says what a text may be.
Text = Annotated[str, StringConstraints(pattern=r"\S", max_length=MAX_TEXT)]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class TextsIn(Strict):
    """A message in German and English, and in the other languages the screens speak where the supervisor has it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    de: Text
    en: Text
    tr: Text | None = None
    ar: Text | None = None
    uk: Text | None = None
    ru: Text | None = None
    de_x_ls: Text | None = Field(default=None, alias="de-x-ls")

    def as_texts(self) -> Texts:
        """Language tag -> text, only the languages given."""
        return {language: text for language, text in self.model_dump(by_alias=True).items() if text is not None}


class CloseServiceIn(Strict):
    """Close a service for the rest of the day, with what kiosks and phones say."""

    message: TextsIn


class QuotaIn(Strict):
    """Today's quota; null goes back to the configured one."""

    quota: int | None = Field(ge=0, le=100_000)


class NoticeForMinutes(Strict):
    """A message on the displays and kiosks for some minutes from now."""

    texts: TextsIn
    minutes: int = Field(ge=1, le=1440)


class NoticeUntil(Strict):
    """A message on the displays and kiosks until a moment (with its time zone), within 24 hours."""

    texts: TextsIn
    expires_at: datetime


NoticeIn = NoticeForMinutes | NoticeUntil


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
