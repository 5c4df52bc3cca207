"""Persistence models of the server's VAPID key and the browsers' push subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class PushKey(SQLModel, table=True):
    """The installation's VAPID key pair, generated once; the private half never leaves the DB."""

    __tablename__ = "push_key"

    id: int = Field(default=1, primary_key=True)
    private_pem: str = Field(sa_column=Column(Text, nullable=False))
    public_key: str = Field(max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PushSubscription(SQLModel, table=True):
    """One browser asking to be alerted about one ticket; removed when the ticket is over."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    site_id: str = Field(max_length=40, index=True)
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    language: str = Field(default="de", max_length=12)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Claimed atomically so that several workers never send the same alert twice.
    near_sent: bool = False
    called_marker: str | None = Field(default=None, max_length=80)
