"""Public shapes of the remote-join API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from server.tickets.schemas import TicketOut


class ChallengeOut(BaseModel):
    """A proof-of-work puzzle for the next join: SHA-256 of `challenge:nonce` must start with `bits` zero bits."""

    challenge: str
    bits: int
    expires_in: int


class JoinIn(BaseModel):
    """A citizen's request for a ticket from the phone, with the solved puzzle."""

    service: str = Field(min_length=1, max_length=40)
    language: str = Field(default="de", min_length=2, max_length=12, pattern=r"^[A-Za-z-]+$")
    challenge: str = Field(min_length=10, max_length=200)
    nonce: str = Field(min_length=1, max_length=32, pattern=r"^[0-9]+$")


class JoinOut(BaseModel):
    """The holder's remote ticket: the ticket, the code to type at the kiosk, when to come, where to follow it."""

    ticket: TicketOut
    code: str
    check_in: bool
    come_at: datetime | None
    come_at_time: str | None
    page_url: str


class RemoteCheckInIn(BaseModel):
    """What the kiosk read: the phone's QR code (the status URL) or the typed short code."""

    code: str = Field(min_length=3, max_length=300)
