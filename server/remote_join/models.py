"""Persistence of remote tickets: the short check-in code, arrival and how often the turn passed them by."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class RemoteTicket(SQLModel, table=True):
    """What a ticket drawn from a phone has beyond an ordinary one; nothing about the citizen."""

    __table_args__ = (UniqueConstraint("site_id", "business_day", "code", name="uq_remote_code"),)

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    site_id: str = Field(foreign_key="site.id", max_length=40)
    service_pk: int = Field(foreign_key="service.pk")
    business_day: date = Field(sa_column=Column(Date(), nullable=False, index=True))
    # Typed at the kiosk instead of scanning: six characters of the booking-code alphabet.
    code: str = Field(max_length=8)
    come_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Set at the kiosk; from the start when the site calls remote tickets without check-in.
    checked_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Times the ticket's turn came before it was checked in.
    moved_back: int = 0
