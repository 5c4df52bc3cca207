"""Persistence models of tickets and their per-day number sequences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime
from server.tickets.lifecycle import TicketStatus


class Ticket(SQLModel, table=True):
    """One citizen's place in line; anonymous, known to the citizen only by number and token."""

    __table_args__ = (
        UniqueConstraint("site_id", "issued_service_pk", "business_day", "serial", name="uq_ticket_number"),
        UniqueConstraint("site_id", "idempotency_key", name="uq_ticket_idempotency"),
        Index("ix_ticket_queue", "site_id", "status", "service_pk", "queued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(foreign_key="site.id", max_length=40)
    # The line the ticket waits in now; transfers change it, the number stays.
    service_pk: int = Field(foreign_key="service.pk")
    # The service that handed out the number; with the serial it identifies the number.
    issued_service_pk: int = Field(foreign_key="service.pk")
    business_day: date = Field(sa_column=Column(Date(), nullable=False))
    serial: int
    number: str = Field(max_length=12)
    token: str = Field(unique=True, index=True, max_length=64)
    status: str = Field(default=TicketStatus.waiting, sa_column=Column(String(16), nullable=False))
    language: str = Field(default="de", max_length=12)
    # Chosen at the kiosk by someone who cannot hear calls: displays show the call longer and larger.
    visual_call: bool = False
    # How the ticket was drawn: "kiosk" (or a staff action) or "remote" (from a phone, see server/remote_join/).
    channel: str = Field(default="kiosk", sa_column=Column(String(8), nullable=False, server_default="kiosk"))
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Order in the line; kept through transfers and parking so nobody loses their place.
    queued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    called_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    counter_id: str | None = Field(default=None, max_length=40)
    recalls: int = 0
    # The status a call by number took the ticket from (parked, no_show), so undoing the call restores it.
    called_from: str | None = Field(default=None, sa_column=Column(String(16)))
    priority: int = 0
    appointment_id: int | None = None
    idempotency_key: str | None = Field(default=None, max_length=80)
    note: str | None = Field(default=None, max_length=500)


class NumberSequence(SQLModel, table=True):
    """The numbers handed out per site, service and local day: online from 1 up, leased from the top down."""

    site_id: str = Field(primary_key=True, max_length=40)
    service_pk: int = Field(primary_key=True)
    business_day: date = Field(sa_column=Column(Date(), primary_key=True))
    # The last online serial: online tickets are 1..last_serial (after the leased block, should they reach it).
    last_serial: int = 0
    # Serials given to offline kiosks' leases, counted down from the top of the number width (A999, A998, …).
    leased: int = Field(default=0, sa_column=Column(Integer(), nullable=False, server_default="0"))
    # Tickets reconciled from leases; with last_serial, the day's count against the quota.
    offline_issued: int = Field(default=0, sa_column=Column(Integer(), nullable=False, server_default="0"))

    @property
    def issued(self) -> int:
        """Tickets handed out today, online and reconciled offline ones; unused leased numbers do not count."""
        return self.last_serial + self.offline_issued
