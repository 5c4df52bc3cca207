"""Public shapes of tickets and the requests that act on them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class IssueTicketIn(BaseModel):
    """A kiosk's request for a new ticket."""

    service: str = Field(min_length=1, max_length=40)
    language: str = Field(default="de", min_length=2, max_length=12, pattern=r"^[A-Za-z-]+$")
    # The citizen cannot hear calls: show the number longer and larger, and let the phone vibrate.
    visual_call: bool = False


class CheckInIn(BaseModel):
    """A kiosk checking in a booked appointment by its code."""

    code: str = Field(min_length=3, max_length=64)
    visual_call: bool = False  # as for a drawn ticket: the citizen cannot hear calls


class CallNumberIn(BaseModel):
    """A clerk calling a particular ticket."""

    number: str = Field(min_length=2, max_length=12, pattern=r"^\s*[A-Za-z]{1,3}\s*-?\s*0*[0-9]{1,6}\s*$")


class TransferIn(BaseModel):
    """A clerk sending the current citizen to another service's line."""

    service: str = Field(min_length=1, max_length=40)
    note: str | None = Field(default=None, max_length=500)


class TicketOut(BaseModel):
    """A ticket as the contract describes it; token and status_url only for its holder."""

    id: int
    number: str
    service: str
    service_name: str
    status: str
    position: int
    people_ahead: int
    eta_minutes: tuple[int, int] | None
    token: str | None
    status_url: str | None
    issued_at: datetime
    called_at: datetime | None
    counter: str | None
    counter_name: str | None
    # Where the counter is, per site language ("Raum 110 · 1. OG · Treppe hoch, dann rechts").
    counter_location: dict[str, str] | None = None
    # For the holder only: where the service is served when that is one place (printed on the ticket).
    service_location: dict[str, str] | None = None
    language: str
    recalls: int
    site: str
    appointment: bool = False
    # The waiting room is full: the citizen may wait outside and follow the ticket on the phone.
    wait_outside: bool = False
    # While waiting: no counter serves this service now (then eta_minutes is null), and from when again.
    served_now: bool = True
    served_from: datetime | None = None
    served_from_time: str | None = None
    # Public-safe on call events: the display shows this call longer and larger (nothing more is said).
    visual_call: bool = False
    # How the ticket was drawn: "kiosk" or "remote" (from a phone); statistics count them apart.
    channel: str = "kiosk"
    # Staff only: the note a clerk left when transferring the citizen here.
    note: str | None = None
