"""Persistence models of the audit trail and of device keys changed through the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class AuditRecord(SQLModel, table=True):
    """One security-relevant action: logins, failed logins, role changes, device rotation and revocation."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=80, index=True)
    action: str = Field(max_length=40, index=True)
    target: str = Field(default="", max_length=80)
    site_id: str | None = Field(default=None, max_length=40)
    address: str = Field(default="", max_length=64)
    # Never a password, token or hash: only names, roles and outcomes.
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class DeviceKeyChange(SQLModel, table=True):
    """A device whose token was rotated or revoked through the API, and the config hash it replaced."""

    device_id: str = Field(primary_key=True, max_length=64)
    # The configuration's token_sha256 at the time; while the file still says this, the database wins.
    config_hash: str = Field(max_length=64)
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
