"""Public shapes of appointments and of the requests that create and import them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from server.api.bounds import IN_CALENDAR, within_calendar


class AppointmentIn(BaseModel):
    """A booking made by staff; a time without zone is the site's local time."""

    service: str = Field(min_length=1, max_length=40)
    starts_at: Annotated[datetime, AfterValidator(within_calendar)] = Field(json_schema_extra=IN_CALENDAR)
    duration_minutes: int | None = Field(default=None, ge=1, le=480)
    code: str | None = Field(default=None, min_length=4, max_length=32, description="Keep a code given elsewhere")
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=1000)


class AppointmentOut(BaseModel):
    """A booking as staff see it; `qr_content` is what the citizen's QR code holds."""

    id: int
    site: str
    service: str
    code: str
    qr_content: str
    starts_at: datetime
    duration_minutes: int | None
    status: str
    source: str
    late: bool
    ticket_number: str | None
    checked_in_at: datetime | None
    name: str | None
    email: str | None
    phone: str | None
    note: str | None
    personal_data_deleted: bool


class ImportResult(BaseModel):
    """What an import did."""

    created: int
    updated: int
    unchanged: int
    codes: dict[str, str] = Field(description="Booking code per imported uid, to send to citizens")
    overwritten: list[str] = Field(default_factory=list, description="Codes of existing bookings this import changed")
