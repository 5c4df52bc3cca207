"""What the forecast expected for each ticket when it was drawn, to learn from its errors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class WaitForecast(SQLModel, table=True):
    """The expected wait of one ticket at drawing, and the scale its error is measured in."""

    __table_args__ = (Index("ix_waitforecast_site_issued", "site_id", "issued_at"),)

    ticket_id: int = Field(primary_key=True, foreign_key="ticket.id")
    site_id: str = Field(max_length=40)
    service_pk: int
    appointment: bool = False
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expected_minutes: float
    scale_minutes: float
