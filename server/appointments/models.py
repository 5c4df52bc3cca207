"""Persistence models of appointments and each site's rules for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class AppointmentStatus(StrEnum):
    """Where a booking stands."""

    booked = "booked"
    checked_in = "checked_in"
    cancelled = "cancelled"
    no_show = "no_show"


class Appointment(SQLModel, table=True):
    """One booked visit; the personal fields are emptied once the retention period has passed."""

    __table_args__ = (
        UniqueConstraint("site_id", "code", name="uq_appointment_code"),
        UniqueConstraint("site_id", "external_uid", name="uq_appointment_uid"),
        Index("ix_appointment_due", "site_id", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(foreign_key="site.id", max_length=40)
    service_pk: int = Field(foreign_key="service.pk")
    # Stored without separators, upper case; shown as XXXX-XXXX and held by the QR code.
    code: str = Field(max_length=32)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int | None = None
    status: str = Field(default=AppointmentStatus.booked, sa_column=Column(String(16), nullable=False))
    source: str = Field(default="api", max_length=8)
    # The booking system's id (ICS UID, CSV uid column), so a repeated import updates instead of duplicating.
    external_uid: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    checked_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    # Checked in after the late limit and served as a walk-in.
    late: bool = False
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    no_show_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Personal data: deleted by the purge after the site's retention period.
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=1000)
    purged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AppointmentPolicy(SQLModel, table=True):
    """A site's rules for early and late arrival, priority and retention (from the office file)."""

    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=40)
    priority_before_minutes: int = 10
    too_early: str = Field(default="queue", max_length=8)
    late_minutes: int = 15
    too_late: str = Field(default="walk_in", max_length=8)
    retention_hours: int = 24
